using OrleansSync.Runs;
using OrleansSync.Tasks;

namespace OrleansSync.Backfills;

/// <summary>What a backfill's <c>sync.runs</c> row says of it.</summary>
public sealed partial class BackfillGrain
{
    /// <summary>Opens the row, or reopens it (running again) when a retried day restarts a finished backfill.</summary>
    private Task OpenHistoryAsync(BackfillState s) => history.OpenAsync(
        new OpenedRun(BackfillId, s.Request!.ProjectId, "backfill", s.Request.Trigger, TaskCount(s), s.StartedAt),
        reopen: true,
        CancellationToken.None);

    /// <summary>Closes the row with the totals of each day's last task.</summary>
    private Task CloseHistoryAsync(BackfillState s) => history.CloseAsync(
        BackfillId, s.Status, s.FinishedAt!.Value, [.. s.Days.Select(static d => d.Final).OfType<TaskView>()], HistoryError(s), TaskCount(s), CancellationToken.None);

    /// <summary>Tasks the backfill ran for its <c>sync.runs</c> row: one per day, and one more per retry of a day.</summary>
    private static int TaskCount(BackfillState s) => s.Days.Sum(static d => Math.Max(1, d.Attempt));

    /// <summary>How many days failed, and the first one's last error, for its <c>sync.runs</c> row.</summary>
    private static string? HistoryError(BackfillState s)
    {
        var failed = s.Days.Where(static d => d.Status == SyncTaskStatus.Failed).ToList();
        return failed.Count == 0 ? null
            : $"{failed.Count} day(s) failed, first {BackfillIds.Day(failed[0].Day)}: {failed[0].Final?.Errors.LastOrDefault()?.Message}";
    }
}
