namespace OrleansSync.Tasks;

/// <summary>A task as the CLI, the HTTP API and <c>sync.progress</c> show it.</summary>
[GenerateSerializer, Immutable, Alias("OrleansSync.Tasks.TaskView")]
public sealed record class TaskView(
    [property: Id(0)] SyncTaskSpec Spec,
    [property: Id(1)] SyncTaskStatus Status,
    [property: Id(2)] TaskProgress Progress,
    [property: Id(3)] DateTimeOffset? StartedAt,
    [property: Id(4)] DateTimeOffset UpdatedAt,
    [property: Id(5)] DateTimeOffset? FinishedAt,
    [property: Id(6)] int Attempts,
    [property: Id(7)] IReadOnlyList<TaskError> Errors,
    [property: Id(8)] string? Silo,
    [property: Id(9)] long Sequence)
{
    public bool IsTerminal => Status is SyncTaskStatus.Succeeded or SyncTaskStatus.Failed or SyncTaskStatus.Cancelled;
}
