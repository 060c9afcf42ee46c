using Orleans.Concurrency;
using OrleansSync.Tasks;
using OrleansSync.Security;

namespace OrleansSync.Projects;

/// <summary>One upstream project (keyed by its id without <c>b.</c>): its settings, its runs and their tasks.</summary>
[Alias("OrleansSync.Projects.IProjectGrain")]
public interface IProjectGrain : IGrainWithStringKey
{
    /// <summary>Adds the project, or replaces its settings. Throws <see cref="InvalidRequestException"/> on bad settings.</summary>
    [Alias("Configure")]
    Task<ProjectView> ConfigureAsync(ProjectSpec spec, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets (<paramref name="every"/>) or removes (null) the project's schedule. A new or changed schedule runs at once,
    /// then every period; the same period again changes nothing. Throws <see cref="InvalidRequestException"/> for an
    /// unknown project or a period shorter than the cluster's minimum.
    /// </summary>
    [Alias("Schedule")]
    Task<ProjectView> ScheduleAsync(TimeSpan? every, CancellationToken cancellationToken = default);

    /// <summary>The project, or null when it was never added (or was removed).</summary>
    [Alias("Get")]
    Task<ProjectView?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the project's settings, and what it made on its source (a PostgreSQL capture's slots and publications);
    /// mirrored rows stay. Refused while a run is in progress. Returns null, or what it could not remove from the source,
    /// why, and how to remove it by hand.
    /// </summary>
    [Alias("Remove")]
    Task<string?> RemoveAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Each of the project's streams as it stands: its mirror's rows and checkpoint where its kind keeps one per stream
    /// (a PostgreSQL source's tables), and its task in the current (else the last) run with the task's lag. Null for an
    /// unknown project. Reads only; it runs beside the project's other calls.
    /// </summary>
    [Alias("Standing"), AlwaysInterleave]
    Task<IReadOnlyList<StreamStanding>?> StandingAsync(CancellationToken cancellationToken = default);

    /// <summary>Pauses (no run starts, scheduled or asked for) or resumes the project; a run in progress finishes.</summary>
    [Alias("SetPaused")]
    Task<ProjectView> SetPausedAsync(bool paused, CancellationToken cancellationToken = default);

    /// <summary>Starts a run, or returns the one in progress: a project never runs two tasks of one stream at once.</summary>
    [Alias("Sync")]
    Task<SyncStarted> SyncAsync(SyncRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Where the project's source is now, for a source whose tasks stream (a PostgreSQL capture: the source's
    /// <c>pg_current_wal_lsn()</c>, read by this silo, which holds the connection string): once every task's
    /// <see cref="TaskView.AppliedPosition"/> is at or past it, the mirror holds everything the source committed before
    /// this call. Null for a source that does not stream (its runs end). Throws <see cref="InvalidRequestException"/>
    /// for an unknown project, <see cref="SyncRefusedException"/> when the source cannot be read, saying why.
    /// </summary>
    [Alias("SourcePosition")]
    Task<ulong?> SourcePositionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Aborts the run in progress, however stuck its bookkeeping is: its unfinished tasks are cancelled (they stop on
    /// their own turn), the run ends <see cref="SyncTaskStatus.Cancelled"/> and the project takes its next run at once.
    /// Throws <see cref="InvalidRequestException"/> when no run is in progress.
    /// </summary>
    [Alias("CancelRun")]
    Task<RunView> CancelRunAsync(CancellationToken cancellationToken = default);

    /// <summary>A run of this project by id: the current one, the last one, or one of the ten finished before it.</summary>
    [Alias("GetRun")]
    Task<RunView?> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Called by a task when it reaches a terminal status, with its final view (the run's totals come from these);
    /// idempotent. A task keeps calling until this returns.
    /// </summary>
    [Alias("TaskFinished"), SiloOnly]
    Task TaskFinishedAsync(TaskView final, CancellationToken cancellationToken = default);
}
