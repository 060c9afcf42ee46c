using OrleansSync.Resilience;

namespace OrleansSync.Tasks;

/// <summary>A task as the CLI, the HTTP API and <c>sync.progress</c> show it.</summary>
/// <param name="Spec">What the task does.</param>
/// <param name="Status">Where it is in its lifecycle.</param>
/// <param name="Progress">Its counters.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Attempts">Runs of the stream so far, the first included; each resumes from the checkpoint.</param>
/// <param name="Errors">The last errors it met (it may have recovered).</param>
/// <param name="Silo">The silo running it.</param>
/// <param name="Sequence">Rises with every change, so a late progress write never overwrites a newer one.</param>
/// <param name="Breaker">Its circuit breaker.</param>
/// <param name="NextAttemptAt">While <see cref="SyncTaskStatus.Waiting"/>: when it calls upstream again.</param>
/// <param name="HungRestarts">Times the watchdog found it without progress and restarted it from its checkpoint.</param>
/// <param name="RecordsPerSecond">Its recent rate (over its last pages), while it runs.</param>
/// <param name="Eta">When it should end at <paramref name="RecordsPerSecond"/>, where its total is known.</param>
/// <param name="BudgetWaits">While it runs: its calls waiting for their turn at the credential's rate budget now.</param>
/// <param name="AppliedPosition">
/// A streaming source's position (a PostgreSQL capture's LSN) up to which the mirror holds everything the source
/// committed, as of the task's last checkpoint; null for a task that does not stream, or before its first checkpoint here.
/// </param>
/// <param name="Lag">For a streaming task, how far its mirror is behind the source, as last asked; null otherwise.</param>
/// <param name="WaitsForLeader">
/// While it runs: it follows its leader's task (<see cref="SyncTaskSpec.LeaderTaskId"/>), has read all it landed so
/// far, and waits for more or for its end.
/// </param>
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
    [property: Id(9)] long Sequence,
    [property: Id(10)] BreakerView? Breaker = null,
    [property: Id(11)] DateTimeOffset? NextAttemptAt = null,
    [property: Id(12)] int HungRestarts = 0,
    [property: Id(13)] double? RecordsPerSecond = null,
    [property: Id(14)] DateTimeOffset? Eta = null,
    [property: Id(15)] int BudgetWaits = 0,
    [property: Id(16)] ulong? AppliedPosition = null,
    [property: Id(17)] StreamLag? Lag = null,
    [property: Id(18)] bool WaitsForLeader = false)
{
    public bool IsTerminal => Status.IsTerminal();

    /// <summary>0–100 where the total is known; 100 once succeeded.</summary>
    public double? Percent => Status == SyncTaskStatus.Succeeded ? 100.0 : Progress.Percent;
}
