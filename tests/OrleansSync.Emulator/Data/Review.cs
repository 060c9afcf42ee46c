namespace OrleansSync.Emulator.Data;

/// <summary>
/// One review with its children. Immutable: a mutation replaces the whole record, so a reader holding the
/// old one never sees half a change.
/// </summary>
internal sealed record Review
{
    public required string Id { get; init; }

    public required int SequenceId { get; init; }

    public required string Name { get; init; }

    /// <summary>OPEN, CLOSED, VOID or FAILED.</summary>
    public required string Status { get; init; }

    public string? CurrentStepId { get; init; }

    public long? CurrentStepDueDate { get; init; }

    public required Actor CreatedBy { get; init; }

    public required long CreatedAt { get; init; }

    public required long UpdatedAt { get; init; }

    public long? FinishedAt { get; init; }

    public bool Archived { get; init; }

    public Actor? ArchivedBy { get; init; }

    public long? ArchivedAt { get; init; }

    /// <summary>Null is written as <c>{}</c>, as ACC does for a review nobody approved.</summary>
    public Actor? ApprovedBy { get; init; }

    public long? ApprovedAt { get; init; }

    public required string WorkflowId { get; init; }

    public required Actor[] ClaimedBy { get; init; }

    public required Candidates Candidates { get; init; }

    /// <summary>The files of the latest round.</summary>
    public required ReviewVersion[] Versions { get; init; }

    /// <summary>Newest first.</summary>
    public required ProgressStep[] Progress { get; init; }
}
