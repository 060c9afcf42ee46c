using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansSync.Tests.Mirror;

/// <summary>
/// ACC-shaped records as upstream sends them (the public Reviews API's shapes), with the text that breaks naive
/// code: non-ASCII, quotes, backslashes, newlines, nulls, and <c>{}</c> for nobody's approval.
/// </summary>
internal static class AccRecords
{
    public const string ProjectId = "b.6f1c2e4a-90d1-4c57-9a0e-3b8f2d7c5e11";
    public const string BareProjectId = "6f1c2e4a-90d1-4c57-9a0e-3b8f2d7c5e11";
    public const string WorkflowId = "8d2b7f5c-1a4e-4f0b-b6c3-9e7d1a2f4c88";

    // Keep non-ASCII as UTF-8 (as ACC does), while quotes, backslashes and control characters stay escaped.
    private static readonly JsonSerializerOptions AsSent = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static JsonElement ToElement(this JsonNode node) => Parse(node.ToJsonString(AsSent));

    public static string ReviewId(int n) => $"a0e6c7d2-5b1f-4e3a-8c9d-{n:D12}";

    public static JsonObject Review(int n, string updatedAt, string status = "OPEN") => new()
    {
        ["id"] = ReviewId(n),
        ["sequenceId"] = n,
        ["name"] = $"Überprüfung – Façade 東京 \"Level {n}\"\nsecond pass \\ 🏗️",
        ["status"] = status,
        ["currentStepId"] = status == "OPEN" ? "c1f4b9e2-7a3d-4e8b-9f01-2d3c4b5a6e7f" : null,
        ["currentStepDueDate"] = status == "OPEN" ? "2024-12-01T17:00:00.000Z" : null,
        ["createdBy"] = Actor("Zoë O'Brien"),
        ["createdAt"] = "2024-11-06T01:42:17.476Z",
        ["updatedAt"] = updatedAt,
        ["finishedAt"] = status == "OPEN" ? null : updatedAt,
        ["archived"] = false,
        ["archivedBy"] = null,
        ["archivedAt"] = null,
        ["approvedBy"] = new JsonObject(),
        ["approvedAt"] = null,
        ["workflowId"] = WorkflowId,
        ["nextActionBy"] = new JsonObject
        {
            ["claimedBy"] = new JsonArray(),
            ["candidates"] = new JsonObject
            {
                ["roles"] = new JsonArray(Actor("Bauleiter/in")),
                ["users"] = new JsonArray(Actor("Søren \"Sonny\" Kierkegaard"), Actor("李雷")),
                ["companies"] = new JsonArray(Actor("Müller & Söhne GmbH")),
            },
        },
    };

    public static JsonObject Workflow(string id, string updatedAt, string status = "ACTIVE") => new()
    {
        ["id"] = id,
        ["name"] = "Freigabe in zwei Stufen \"rapide\"",
        ["description"] = "Für Ausführungspläne;\nFreigabe durch den Bauherrn.",
        ["notes"] = null,
        ["status"] = status,
        ["steps"] = new JsonArray(new JsonObject
        {
            ["id"] = "c1f4b9e2-7a3d-4e8b-9f01-2d3c4b5a6e7f",
            ["name"] = "Prüfung",
            ["type"] = "REVIEWER",
            ["duration"] = 3,
            ["dueDateType"] = "CALENDAR_DAY",
            ["groupReview"] = new JsonObject { ["enabled"] = false },
            ["candidates"] = new JsonObject { ["roles"] = new JsonArray(), ["users"] = new JsonArray(Actor("山田 太郎")), ["companies"] = new JsonArray() },
        }),
        ["approvalStatusOptions"] = new JsonArray(new JsonObject { ["id"] = "s1", ["label"] = "Approved w/ comments – mit Anmerkungen", ["value"] = "APPROVED", ["builtIn"] = false }),
        ["copyFilesOptions"] = new JsonObject { ["enabled"] = false, ["folderUrn"] = null, ["allowOverride"] = false, ["approvedOnly"] = true },
        ["attachedAttributes"] = new JsonArray(),
        ["updateAttributesOptions"] = new JsonObject { ["enabled"] = false, ["target"] = null, ["allowApproverToChoose"] = false },
        ["createdAt"] = "2024-01-03T08:00:00.000Z",
        ["updatedAt"] = updatedAt,
    };

    public static JsonObject Version(string lineage, int version, string? approval) => new()
    {
        ["urn"] = $"urn:adsk.wipprod:fs.file:vf.{lineage}?version={version}",
        ["itemUrn"] = $"urn:adsk.wipprod:dm.lineage:{lineage}",
        ["name"] = "S-201 \"Level 2\" slab — 東京タワー_立面図.pdf",
        ["approveStatus"] = new JsonObject { ["id"] = approval is null ? null : "s1", ["label"] = approval, ["value"] = approval?.ToUpperInvariant() },
        ["reviewContent"] = new JsonObject
        {
            ["name"] = "A-101 Grundriss EG.pdf",
            ["customAttributes"] = new JsonArray(new JsonObject { ["id"] = 7, ["name"] = "Gewerk", ["type"] = "string", ["value"] = "Line one\nLine two" }),
        },
    };

    public static JsonObject ProgressStep(string stepName, string status, string? endTime) => new()
    {
        ["stepId"] = "c1f4b9e2-7a3d-4e8b-9f01-2d3c4b5a6e7f",
        ["stepName"] = stepName,
        ["claimedBy"] = status == "UNCLAIMED" ? null : Actor("Мария Иванова"),
        ["actionBy"] = endTime is null ? null : Actor("Мария Иванова"),
        ["candidates"] = new JsonObject { ["roles"] = new JsonArray(), ["users"] = new JsonArray(Actor("José Álvarez")), ["companies"] = new JsonArray() },
        ["endTime"] = endTime,
        ["notes"] = endTime is null ? null : "Bitte prüfen: \"Maße\" stimmen nicht überein.\r\nPath: \\\\server\\share",
        ["status"] = status,
    };

    private static JsonObject Actor(string name) => new() { ["autodeskId"] = "PER8KQ2L" + name.Length, ["name"] = name };
}
