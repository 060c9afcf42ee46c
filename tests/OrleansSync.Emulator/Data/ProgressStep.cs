namespace OrleansSync.Emulator.Data;

/// <summary>One step of a review's progress. ACC gives it no id and no time but <c>endTime</c>.</summary>
internal sealed record ProgressStep(
    string StepId,
    string StepName,
    Actor? ClaimedBy,
    Actor? ActionBy,
    Candidates Candidates,
    long? EndTime,
    string? Notes,
    string Status);
