namespace OrleansSync.Emulator.Data;

/// <summary>
/// Text the generator draws from. It holds what real projects hold and what breaks naive code: non-ASCII,
/// quotes, backslashes, newlines, characters outside the BMP.
/// </summary>
internal static class TextPools
{
    public static readonly string[] People =
    [
        "Anna Müller", "José Álvarez", "Zoë O'Brien", "李雷", "Søren \"Sonny\" Kierkegaard", "Ingrid Ødegård",
        "François Lefèvre", "Мария Иванова", "Dr. Back\\Slash", "Nguyễn Văn An", "Łukasz Wójcik", "Aisha Al-Farsi",
        "山田 太郎", "Chloé Dubois", "Ólafur Arnalds", "Priya Raghunathan",
    ];

    public static readonly string[] Roles =
    [
        "Architect", "Structural Engineer", "MEP Coordinator", "Bauleiter/in", "Project Manager", "Document Controller",
    ];

    public static readonly string[] Companies =
    [
        "Müller & Söhne GmbH", "Façades \"Lumière\" SA", "東京建設株式会社", "Nordic Steel AS", "O'Neill Bros. Ltd",
        "Constructora Peñalara", "Back\\Slash Engineering",
    ];

    public static readonly string[] ReviewNames =
    [
        "Überprüfung – Façade 東京", "Structural \"Level 2\" slab", "MEP C:\\Coordination\\Round", "Fire stopping\nsecond pass",
        "Ревизия фасада", "Plan d'étage — RDC", "Design review", "Shop drawings 🏗️", "IFC package", "Tender set",
        "Ausführungsplanung Los", "Revisión de estructura",
    ];

    public static readonly string[] FileNames =
    [
        "A-101 Grundriss EG.pdf", "S-201 \"Level 2\" slab.dwg", "M\\E\\P coordination.rvt", "東京タワー_立面図.pdf",
        "Façade—détail.pdf", "Site plan.pdf", "E-301 Schaltplan.pdf", "Section A–A.dwg", "Specs (rev 3).docx",
        "Model.nwd",
    ];

    public static readonly string[] WorkflowNames =
    [
        "One Step Approval", "Two Step Approval", "Freigabe in zwei Stufen", "Three Step Group Approval",
        "Revue \"rapide\"", "承認フロー", "QA\\QC check",
    ];

    public static readonly string?[] Notes =
    [
        null, "Looks good.", "Bitte prüfen: Maße stimmen nicht überein.", "See comment \"#12\" on sheet A-101.",
        "Line one\nLine two\r\nLine three", "Path: \\\\server\\share\\drawings", "👍 approved with comments", "",
        null, "ÄÖÜ äöü ß — ça va? 日本語のメモ",
    ];

    public static readonly string?[] Descriptions =
    [
        null, "Standard approval for drawings.", "Für Ausführungspläne; \"Freigabe\" durch den Bauherrn.",
        "Multi-line\ndescription", "構造図の承認",
    ];

    public static readonly string[] ProjectNames =
    [
        "Hauptbahnhof Süd", "Tokyo Tower Annex 東京", "Harbour \"Pier 7\" Offices", "Résidence Les Érables",
        "Data Centre DC\\02", "Nordlys Hospital", "Ciudad de la Música", "Riverside Bridge",
    ];

    public static readonly (string City, string? State, string Country, string Timezone, string Currency)[] Places =
    [
        ("München", "Bayern", "DE", "Europe/Berlin", "EUR"),
        ("東京", null, "JP", "Asia/Tokyo", "JPY"),
        ("San Francisco", "CA", "US", "America/Los_Angeles", "USD"),
        ("Montréal", "QC", "CA", "America/Toronto", "CAD"),
        ("Tromsø", null, "NO", "Europe/Oslo", "NOK"),
        ("Sevilla", "Andalucía", "ES", "Europe/Madrid", "EUR"),
    ];

    public static readonly string[] ProjectTypes =
    [
        "Office", "Hospital", "Bridge", "Data Center", "Multi-Family Housing", "Rail",
    ];

    public static readonly (string Name, string Type)[] Attributes =
    [
        ("Revision", "string"), ("Discipline", "list"), ("Issued on", "date"), ("Zone/Bereich", "string"),
        ("Sheet \"No.\"", "string"),
    ];

    public static readonly string?[] AttributeValues =
    [
        "C02", "Architektur", "2024-03-01", "Zone Ü-3", null, "A\\B", "東", "P01",
    ];
}
