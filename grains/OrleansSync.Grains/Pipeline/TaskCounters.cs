namespace OrleansSync.Pipeline;

/// <summary>
/// A task's counters as its last checkpoint committed them (<c>sync.checkpoints.task_*</c>): exact for every landed
/// page, whatever happened to the task's silo since.
/// </summary>
public sealed record class TaskCounters(
    string TaskId, long Pages, long RecordsRead, long Inserted, long Updated, long Unchanged, long DeadLettered, long Calls, long Throttled, long? TotalRecords, long Deleted = 0);
