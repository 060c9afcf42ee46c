using Npgsql;
using OrleansSync.Pipeline;
using OrleansSync.Tasks;

namespace OrleansSync.Projects;

/// <summary>
/// Writes <c>sync.runs</c>: one row per run, opened when it starts and closed with its totals, and one per run that
/// did not start (a skipped tick) with its reason. Every write is idempotent, so the project may retry it until done.
/// </summary>
public sealed class RunHistory(NpgsqlDataSource dataSource)
{
    public async Task StartedAsync(string projectId, RunState run, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO sync.runs (run_id, project_id, kind, trigger, status, tasks, started_at, reason, due_at)
            VALUES (@run_id, @project_id, @kind, @trigger, 'running', @tasks, @started_at, @reason, @due_at)
            ON CONFLICT (run_id) DO NOTHING
            """);
        command.Parameters.AddWithValue("run_id", run.RunId);
        command.Parameters.AddWithValue("project_id", projectId);
        command.Parameters.AddWithValue("kind", run.Full ? "full" : "sync");
        command.Parameters.AddWithValue("trigger", run.Trigger);
        command.Parameters.AddWithValue("tasks", run.Tasks.Count);
        command.Parameters.AddWithValue("started_at", run.StartedAt);
        command.Parameters.AddWithValue("reason", (object?)StorableText.CleanOrNull(run.Reason) ?? DBNull.Value);
        command.Parameters.AddWithValue("due_at", (object?)run.DueAt ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task FinishedAsync(string runId, SyncTaskStatus status, IReadOnlyList<TaskView> tasks, DateTimeOffset finishedAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE sync.runs
               SET status = @status, finished_at = @finished_at,
                   records_read = @read, records_inserted = @inserted, records_updated = @updated,
                   records_unchanged = @unchanged, records_dead_lettered = @dead, upstream_calls = @calls, error = @error
             WHERE run_id = @run_id
            """);
        command.Parameters.AddWithValue("run_id", runId);
        command.Parameters.AddWithValue("status", status.ToText());
        command.Parameters.AddWithValue("finished_at", finishedAt);
        command.Parameters.AddWithValue("read", tasks.Sum(static t => t.Progress.RecordsRead));
        command.Parameters.AddWithValue("inserted", tasks.Sum(static t => t.Progress.Inserted));
        command.Parameters.AddWithValue("updated", tasks.Sum(static t => t.Progress.Updated));
        command.Parameters.AddWithValue("unchanged", tasks.Sum(static t => t.Progress.Unchanged));
        command.Parameters.AddWithValue("dead", tasks.Sum(static t => t.Progress.DeadLettered));
        command.Parameters.AddWithValue("calls", tasks.Sum(static t => t.Progress.Calls));
        var error = tasks.Where(static t => t.Status == SyncTaskStatus.Failed).Select(static t => $"{t.Spec.Stream}: {t.Errors.LastOrDefault()?.Message}").FirstOrDefault();
        command.Parameters.AddWithValue("error", (object?)StorableText.CleanOrNull(error) ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A run that did not start: the tick (or request) that asked for it, when that tick was due, and why not.</summary>
    public async Task SkippedAsync(string projectId, string runId, SkippedRun skip, CancellationToken cancellationToken, DateTimeOffset? dueAt = null)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO sync.runs (run_id, project_id, kind, trigger, status, reason, started_at, finished_at, due_at)
            VALUES (@run_id, @project_id, 'sync', @trigger, 'skipped', @reason, @at, @at, @due_at)
            ON CONFLICT (run_id) DO NOTHING
            """);
        command.Parameters.AddWithValue("run_id", runId);
        command.Parameters.AddWithValue("project_id", projectId);
        command.Parameters.AddWithValue("trigger", skip.Trigger);
        command.Parameters.AddWithValue("reason", StorableText.Clean(skip.Reason));
        command.Parameters.AddWithValue("at", skip.At);
        command.Parameters.AddWithValue("due_at", (object?)dueAt ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
