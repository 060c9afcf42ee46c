using Npgsql;
using OrleansSync.Pipeline;
using OrleansSync.Tasks;

namespace OrleansSync.Runs;

/// <summary>
/// <c>sync.runs</c>, the history of what ran: a project's runs (kind <c>sync</c> or <c>full</c>), its backfills (kind
/// <c>backfill</c>, run id the backfill id) and the ticks that started nothing (status <c>skipped</c>). A row is opened
/// when its work starts and closed with the totals of its tasks. Every write is idempotent, so the grain that owns the
/// work retries it until done.
/// </summary>
public sealed class RunsTable(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Opens <paramref name="run"/>'s row. With <paramref name="reopen"/> a row already there goes back to running (a
    /// backfill whose day is retried); without, it is left as it is (a write repeated after a lost answer).
    /// </summary>
    public async Task OpenAsync(OpenedRun run, bool reopen, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO sync.runs (run_id, project_id, kind, trigger, status, tasks, started_at, reason, due_at)
            VALUES (@run_id, @project_id, @kind, @trigger, 'running', @tasks, @started_at, @reason, @due_at)
            ON CONFLICT (run_id) DO {(reopen ? "UPDATE SET status = 'running', finished_at = NULL, tasks = excluded.tasks" : "NOTHING")}
            """);
        command.Parameters.AddWithValue("run_id", run.RunId);
        command.Parameters.AddWithValue("project_id", run.ProjectId);
        command.Parameters.AddWithValue("kind", run.Kind);
        command.Parameters.AddWithValue("trigger", run.Trigger);
        command.Parameters.AddWithValue("tasks", run.Tasks);
        command.Parameters.AddWithValue("started_at", run.StartedAt);
        command.Parameters.AddWithValue("reason", (object?)StorableText.CleanOrNull(run.Reason) ?? DBNull.Value);
        command.Parameters.AddWithValue("due_at", (object?)run.DueAt ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Closes a row with how its work ended and the totals of <paramref name="finals"/> (each task's last view);
    /// <paramref name="tasks"/>, when given, replaces the count of tasks it ran.
    /// </summary>
    public async Task CloseAsync(
        string runId, SyncTaskStatus status, DateTimeOffset finishedAt, IReadOnlyCollection<TaskView> finals, string? error, int? tasks, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE sync.runs
               SET status = @status, finished_at = @finished_at, tasks = COALESCE(@tasks, tasks),
                   records_read = @read, records_inserted = @inserted, records_updated = @updated,
                   records_unchanged = @unchanged, records_dead_lettered = @dead, records_deleted = @deleted, upstream_calls = @calls, error = @error
             WHERE run_id = @run_id
            """);
        command.Parameters.AddWithValue("run_id", runId);
        command.Parameters.AddWithValue("status", status.ToText());
        command.Parameters.AddWithValue("finished_at", finishedAt);
        command.Parameters.Add(new NpgsqlParameter<int?>("tasks", tasks));
        command.Parameters.AddWithValue("read", finals.Sum(static t => t.Progress.RecordsRead));
        command.Parameters.AddWithValue("inserted", finals.Sum(static t => t.Progress.Inserted));
        command.Parameters.AddWithValue("updated", finals.Sum(static t => t.Progress.Updated));
        command.Parameters.AddWithValue("unchanged", finals.Sum(static t => t.Progress.Unchanged));
        command.Parameters.AddWithValue("dead", finals.Sum(static t => t.Progress.DeadLettered));
        command.Parameters.AddWithValue("deleted", finals.Sum(static t => t.Progress.Deleted));
        command.Parameters.AddWithValue("calls", finals.Sum(static t => t.Progress.Calls));
        command.Parameters.AddWithValue("error", (object?)StorableText.CleanOrNull(error) ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A run that did not start: the tick (or request) that asked for it, when that tick was due, and why not.</summary>
    public async Task SkippedAsync(string projectId, string runId, string trigger, string reason, DateTimeOffset at, DateTimeOffset? dueAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO sync.runs (run_id, project_id, kind, trigger, status, reason, started_at, finished_at, due_at)
            VALUES (@run_id, @project_id, 'sync', @trigger, 'skipped', @reason, @at, @at, @due_at)
            ON CONFLICT (run_id) DO NOTHING
            """);
        command.Parameters.AddWithValue("run_id", runId);
        command.Parameters.AddWithValue("project_id", projectId);
        command.Parameters.AddWithValue("trigger", trigger);
        command.Parameters.AddWithValue("reason", StorableText.Clean(reason));
        command.Parameters.AddWithValue("at", at);
        command.Parameters.AddWithValue("due_at", (object?)dueAt ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>A row of <c>sync.runs</c> as its work starts.</summary>
/// <param name="RunId">The run's id (a backfill's id for a backfill).</param>
/// <param name="ProjectId">The project it syncs.</param>
/// <param name="Kind"><c>sync</c>, <c>full</c> or <c>backfill</c>.</param>
/// <param name="Trigger">Who or what asked for it.</param>
/// <param name="Tasks">How many tasks it runs.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="Reason">Why, beyond the trigger (e.g. a catch-up), or null.</param>
/// <param name="DueAt">When the schedule tick that asked for it was due, or null.</param>
public sealed record class OpenedRun(
    string RunId, string ProjectId, string Kind, string Trigger, int Tasks, DateTimeOffset StartedAt, string? Reason = null, DateTimeOffset? DueAt = null);
