namespace OrleansSync.Emulator.Data;

/// <summary>An approval workflow of a project.</summary>
internal sealed record Workflow
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public string? Notes { get; init; }

    /// <summary>ACTIVE or INACTIVE.</summary>
    public required string Status { get; init; }

    public required WorkflowStep[] Steps { get; init; }

    public required ApprovalStatusOption[] ApprovalStatusOptions { get; init; }

    public required CopyFilesOptions CopyFilesOptions { get; init; }

    public required AttachedAttribute[] AttachedAttributes { get; init; }

    public required UpdateAttributesOptions UpdateAttributesOptions { get; init; }

    public required long CreatedAt { get; init; }

    public required long UpdatedAt { get; init; }
}

internal sealed record WorkflowStep(
    string Id,
    string Name,
    string Type,
    int Duration,
    string DueDateType,
    bool GroupReview,
    int? GroupReviewMinimum,
    Candidates Candidates);

internal sealed record ApprovalStatusOption(string Id, string Label, string Value, bool BuiltIn);

internal sealed record CopyFilesOptions(bool Enabled, string? FolderUrn, bool AllowOverride, bool ApprovedOnly);

internal sealed record AttachedAttribute(int Id, string Name, string Type);

internal sealed record UpdateAttributesOptions(bool Enabled, string? Target, bool ApproverMayChoose);
