using Orleans.Concurrency;
using OrleansSync.Security;

namespace OrleansSync.Tasks;

/// <summary>
/// One run of one stream of one project (key: the task id). Holds its progress, retry counters and status,
/// persisted; its checkpoint is in PostgreSQL beside the records. A task whose silo died resumes from that
/// checkpoint when it re-activates (its watchdog reminder sees to that).
/// </summary>
[Alias("OrleansSync.Tasks.ISyncTaskGrain")]
public interface ISyncTaskGrain : IGrainWithStringKey
{
    /// <summary>Starts the task (idempotent: a started task just reports itself).</summary>
    [Alias("Start"), SiloOnly]
    Task<TaskView> StartAsync(SyncTaskSpec spec, CancellationToken cancellationToken = default);

    /// <summary>The task, or null if it was never started. Read-only, so it interleaves: a project may ask while the task is notifying it.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<TaskView?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Tells a streaming task that a caller waits for its applied position (<see cref="TaskView.AppliedPosition"/>) to
    /// reach <paramref name="position"/>: while it is behind, a quiet stream checkpoints as soon as the source shows it
    /// has nothing more of the table up to there, rather than at its next idle report. Only a hint: a task that does
    /// not stream, or a new activation, ignores it until asked again.
    /// </summary>
    [Alias("WantPosition"), AlwaysInterleave]
    Task WantPositionAsync(ulong position, CancellationToken cancellationToken = default);

    /// <summary>Stops a running task; it ends Cancelled with its checkpoint kept.</summary>
    [Alias("Cancel")]
    Task<TaskView?> CancelAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops the task at the next page boundary, keeping its checkpoint; it stays <see cref="SyncTaskStatus.Paused"/>
    /// until resumed. Throws <see cref="InvalidRequestException"/> for a task that is not queued, running or waiting.
    /// </summary>
    [Alias("Pause")]
    Task<TaskView?> PauseAsync(CancellationToken cancellationToken = default);

    /// <summary>Continues a paused task from its checkpoint. Throws <see cref="InvalidRequestException"/> for a task that is not paused.</summary>
    [Alias("Resume")]
    Task<TaskView?> ResumeAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a failed task again from its checkpoint (its breaker closed, its attempts counted on). Throws
    /// <see cref="InvalidRequestException"/> for a task that has not failed.
    /// </summary>
    [Alias("Retry")]
    Task<TaskView?> RetryAsync(CancellationToken cancellationToken = default);
}
