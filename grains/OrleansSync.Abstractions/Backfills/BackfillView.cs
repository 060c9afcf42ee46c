using OrleansSync.Tasks;

namespace OrleansSync.Backfills;

/// <summary>A backfill as the CLI shows it: its range, how it stands, and each day.</summary>
/// <param name="BackfillId">Its id.</param>
/// <param name="ProjectId">The project, without <c>b.</c>.</param>
/// <param name="From">The first UTC day.</param>
/// <param name="To">The last UTC day (inclusive).</param>
/// <param name="Trigger">Who asked.</param>
/// <param name="Status">Running until every day has ended; then succeeded, or failed when a day failed (cancelled when one was cancelled and none failed).</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="FinishedAt">When its last day ended (cleared while a retried day runs).</param>
/// <param name="MaxParallelDays">Days it runs at once.</param>
/// <param name="Days">Its days, in order.</param>
/// <param name="Error">Why it ended without finishing its days, when PostgreSQL refused its bookkeeping for good.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.Backfills.BackfillView")]
public sealed record class BackfillView(
    [property: Id(0)] string BackfillId,
    [property: Id(1)] string ProjectId,
    [property: Id(2)] DateOnly From,
    [property: Id(3)] DateOnly To,
    [property: Id(4)] string Trigger,
    [property: Id(5)] SyncTaskStatus Status,
    [property: Id(6)] DateTimeOffset StartedAt,
    [property: Id(7)] DateTimeOffset? FinishedAt,
    [property: Id(8)] int MaxParallelDays,
    [property: Id(9)] IReadOnlyList<BackfillDayView> Days,
    [property: Id(10)] string? Error = null)
{
    public bool IsFinished => FinishedAt is not null;
}

/// <summary>One day of a backfill.</summary>
/// <param name="Day">The UTC day.</param>
/// <param name="Status">Pending until its task starts, then its task's status as the backfill last heard it.</param>
/// <param name="TaskId">Its current (or last) task; null until one is made.</param>
/// <param name="Tasks">Tasks made for the day so far: 1, plus one per retry.</param>
/// <param name="Final">Its last task's final view, once ended.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.Backfills.BackfillDayView")]
public sealed record class BackfillDayView(
    [property: Id(0)] DateOnly Day,
    [property: Id(1)] SyncTaskStatus Status,
    [property: Id(2)] string? TaskId,
    [property: Id(3)] int Tasks,
    [property: Id(4)] TaskView? Final);
