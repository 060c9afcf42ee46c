using Orleans.Concurrency;
using OrleansSync.Tasks;
using OrleansSync.Security;

namespace OrleansSync.Backfills;

/// <summary>
/// One backfill (key: its id, see <see cref="BackfillIds"/>): one task per UTC day of a date range, reading the reviews
/// whose updatedAt falls on that day, active and archived, with their versions and progress. Runs a limited number of
/// days at once, starts the next day when one ends, and carries on after the loss of its silo (a reminder).
/// </summary>
[Alias("OrleansSync.Backfills.IBackfillGrain")]
public interface IBackfillGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the backfill; idempotent (a started backfill just reports itself). Throws
    /// <see cref="InvalidRequestException"/> for an unknown or paused project or a bad range.
    /// </summary>
    [Alias("Start")]
    Task<BackfillView> StartAsync(BackfillRequest request, CancellationToken cancellationToken = default);

    /// <summary>The backfill, or null when it was never started. Read-only, so it interleaves.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<BackfillView?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs one failed (or cancelled) day again, alone, with a new task that resumes the day's checkpoint. Throws
    /// <see cref="InvalidRequestException"/> for a day outside the backfill or one that has not failed.
    /// </summary>
    [Alias("RetryDay")]
    Task<BackfillView> RetryDayAsync(DateOnly day, CancellationToken cancellationToken = default);

    /// <summary>Called by a day's task when it ends, with its final view; idempotent. The task keeps calling until this returns.</summary>
    [Alias("TaskFinished"), SiloOnly]
    Task TaskFinishedAsync(TaskView final, CancellationToken cancellationToken = default);
}
