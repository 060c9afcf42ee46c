using OrleansSync.Backfills;
using OrleansSync.Client.Connection;
using OrleansSync.Client.Database;
using OrleansSync.Tasks;

namespace OrleansSync.Client.Backfills;

/// <summary>
/// A backfill as <c>backfill show</c> and <c>backfill --wait</c> print it: each day's status from the backfill grain,
/// its percent, rate and ETA from its task's <c>sync.progress</c> row, and the whole backfill's percent and ETA.
/// </summary>
public sealed record class BackfillReport(
    string BackfillId, string ProjectId, string From, string To, string Status, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    int MaxParallelDays, double Percent, DateTimeOffset? Eta, IReadOnlyList<BackfillReport.DayReport> Days)
{
    /// <summary>One day: its task's status and progress.</summary>
    public sealed record class DayReport(
        string Day, string Status, string? TaskId, int Tasks, double? Percent, DateTimeOffset? Eta, double? RecordsPerSecond,
        long RecordsRead, long Inserted, long Updated, long DeadLettered, string? Error);

    private sealed record class ProgressRow(
        string TaskId, double? Percent, DateTimeOffset? Eta, double? RecordsPerSecond, long RecordsRead, long? TotalRecords,
        long Inserted, long Updated, long DeadLettered, string? Error);

    public bool Succeeded => Status == SyncTaskStatus.Succeeded.ToText();

    public static async Task<BackfillReport> ReadAsync(ClientSettings settings, BackfillView view, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Rows of this backfill's tasks: by backfill id, and by the day tasks' ids for rows written without one.
        var rows = (await ListQuery.ReadAsync(
            settings,
            """
            SELECT task_id, percent, eta, records_per_second, records_read, total_records, records_inserted, records_updated,
                   records_dead_lettered, last_error
              FROM sync.progress
             WHERE backfill_id = @backfill OR task_id = ANY(@tasks)
            """,
            [("backfill", view.BackfillId), ("tasks", view.Days.Select(static d => d.TaskId).OfType<string>().ToArray())],
            static r => new ProgressRow(
                r.GetString(0), r.IsDBNull(1) ? null : r.GetDouble(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateTimeOffset>(2),
                r.IsDBNull(3) ? null : r.GetDouble(3), r.GetInt64(4), r.IsDBNull(5) ? null : r.GetInt64(5), r.GetInt64(6), r.GetInt64(7),
                r.GetInt64(8), r.IsDBNull(9) ? null : r.GetString(9)),
            cancellationToken)).ToDictionary(static r => r.TaskId, StringComparer.Ordinal);
        return Build(view, rows, now);
    }

    private static BackfillReport Build(BackfillView view, Dictionary<string, ProgressRow> rows, DateTimeOffset now)
    {
        var days = view.Days.Select(d => Day(d, d.TaskId is { } id ? rows.GetValueOrDefault(id) : null)).ToList();
        // A day that ended counts as done (a failed one waits for a retry, not for time); a pending one as not begun.
        var shares = view.Days.Zip(days, static (d, r) => d.Status.IsTerminal() ? 100.0 : r.Percent ?? 0.0).ToList();
        var percent = shares.Count == 0 ? 100.0 : shares.Average();
        DateTimeOffset? eta = null;
        if (view.FinishedAt is null && percent is > 0 and < 100)
        {
            // The whole backfill's pace so far, carried over what is left.
            var elapsed = now - view.StartedAt;
            eta = now + (elapsed * ((100 - percent) / percent));
        }

        return new BackfillReport(
            view.BackfillId, view.ProjectId, BackfillIds.Day(view.From), BackfillIds.Day(view.To), view.Status.ToText(), view.StartedAt, view.FinishedAt,
            view.MaxParallelDays, Math.Round(percent, 1), eta, days);
    }

    private static DayReport Day(BackfillDayView day, ProgressRow? row)
    {
        // The final view the backfill holds is authoritative for an ended day; the progress row for a running one.
        if (day.Final is { } final && day.Status.IsTerminal())
        {
            var p = final.Progress;
            return new DayReport(
                BackfillIds.Day(day.Day), day.Status.ToText(), day.TaskId, day.Tasks, final.Percent, null, null,
                p.RecordsRead, p.Inserted, p.Updated, p.DeadLettered, day.Status == SyncTaskStatus.Failed ? final.Errors.LastOrDefault()?.Message : null);
        }

        var percent = row?.Percent ?? (row is { TotalRecords: > 0 and var total } ? Math.Min(100.0, 100.0 * row.RecordsRead / total) : null);
        return new DayReport(
            BackfillIds.Day(day.Day), day.Status.ToText(), day.TaskId, day.Tasks, percent is { } value ? Math.Round(value, 1) : null, row?.Eta,
            row?.RecordsPerSecond, row?.RecordsRead ?? 0, row?.Inserted ?? 0, row?.Updated ?? 0, row?.DeadLettered ?? 0, row?.Error);
    }
}
