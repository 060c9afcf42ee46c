namespace OrleansSync.Emulator.Data;

/// <summary>A file version under review.</summary>
internal sealed record ReviewVersion(
    string Urn,
    string ItemUrn,
    string Name,
    ApproveStatus ApproveStatus,
    string ContentName,
    CustomAttribute[] CustomAttributes,
    string? CopiedFileVersionUrn);

/// <summary>The approval given to one file; all null until the review decides it.</summary>
internal sealed record ApproveStatus(string? Id, string? Label, string? Value)
{
    public static ApproveStatus Pending { get; } = new(null, null, null);
}

/// <summary>A file's custom attribute as shown to the reviewers.</summary>
internal sealed record CustomAttribute(int Id, string Name, string Type, string? Value);
