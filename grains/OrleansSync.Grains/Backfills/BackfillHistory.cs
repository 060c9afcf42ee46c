using Npgsql;
using OrleansSync.Pipeline;
using OrleansSync.Tasks;

namespace OrleansSync.Backfills;

/// <summary>
/// A backfill's row in <c>sync.runs</c> (kind <c>backfill</c>, run id the backfill id): opened when it starts (and again
/// when a retried day reopens it), closed with the totals of its days' last tasks. Every write is idempotent.
/// </summary>
public sealed class BackfillHistory(NpgsqlDataSource dataSource)
{
    public async Task OpenedAsync(string backfillId, BackfillState backfill, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO sync.runs (run_id, project_id, kind, trigger, status, tasks, started_at)
            VALUES (@run_id, @project_id, 'backfill', @trigger, 'running', @tasks, @started_at)
            ON CONFLICT (run_id) DO UPDATE SET status = 'running', finished_at = NULL, tasks = excluded.tasks
            """);
        command.Parameters.AddWithValue("run_id", backfillId);
        command.Parameters.AddWithValue("project_id", backfill.Request!.ProjectId);
        command.Parameters.AddWithValue("trigger", backfill.Request.Trigger);
        command.Parameters.AddWithValue("tasks", Tasks(backfill));
        command.Parameters.AddWithValue("started_at", backfill.StartedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task FinishedAsync(string backfillId, BackfillState backfill, CancellationToken cancellationToken)
    {
        var finals = backfill.Days.Select(static d => d.Final).OfType<TaskView>().ToList();
        await using var command = dataSource.CreateCommand("""
            UPDATE sync.runs
               SET status = @status, finished_at = @finished_at, tasks = @tasks,
                   records_read = @read, records_inserted = @inserted, records_updated = @updated,
                   records_unchanged = @unchanged, records_dead_lettered = @dead, upstream_calls = @calls, error = @error
             WHERE run_id = @run_id
            """);
        command.Parameters.AddWithValue("run_id", backfillId);
        command.Parameters.AddWithValue("status", backfill.Status.ToText());
        command.Parameters.AddWithValue("finished_at", backfill.FinishedAt!.Value);
        command.Parameters.AddWithValue("tasks", Tasks(backfill));
        command.Parameters.AddWithValue("read", finals.Sum(static t => t.Progress.RecordsRead));
        command.Parameters.AddWithValue("inserted", finals.Sum(static t => t.Progress.Inserted));
        command.Parameters.AddWithValue("updated", finals.Sum(static t => t.Progress.Updated));
        command.Parameters.AddWithValue("unchanged", finals.Sum(static t => t.Progress.Unchanged));
        command.Parameters.AddWithValue("dead", finals.Sum(static t => t.Progress.DeadLettered));
        command.Parameters.AddWithValue("calls", finals.Sum(static t => t.Progress.Calls));
        var failed = backfill.Days.Where(static d => d.Status == SyncTaskStatus.Failed).ToList();
        var error = failed.Count == 0 ? null
            : $"{failed.Count} day(s) failed, first {BackfillIds.Day(failed[0].Day)}: {failed[0].Final?.Errors.LastOrDefault()?.Message}";
        command.Parameters.AddWithValue("error", (object?)StorableText.CleanOrNull(error) ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static int Tasks(BackfillState backfill) => backfill.Days.Sum(static d => Math.Max(1, d.Attempt));
}
