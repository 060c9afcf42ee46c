using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using OrleansSync.Mirror;
using OrleansSync.Pipeline;
using OrleansSync.Resilience;
using OrleansSync.Tasks;

namespace OrleansSync.Progress;

/// <summary>Upserts task views into <c>sync.progress</c> in one statement; an older sequence never overwrites a newer.</summary>
public sealed class ProgressTable(NpgsqlDataSource dataSource)
{
    /// <summary>Tasks whose last row says they were running, queued or waiting on <paramref name="silo"/> (by name).</summary>
    public async Task<IReadOnlyList<string>> UnfinishedOnAsync(string silo, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT task_id FROM sync.progress WHERE silo = @silo AND status IN ('running', 'queued', 'waiting') ORDER BY task_id");
        command.Parameters.Add(SqlParameters.Text("silo", silo));
        var tasks = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tasks.Add(reader.GetString(0));
        }

        return tasks;
    }

    public async Task UpsertAsync(IReadOnlyCollection<TaskView> views, CancellationToken cancellationToken)
    {
        if (views.Count == 0)
        {
            return;
        }

        var rows = views.Select(static v => new
        {
            task_id = v.Spec.TaskId,
            project_id = v.Spec.ProjectId,
            stream = v.Spec.Stream,
            run_id = v.Spec.RunId,
            status = v.Status.ToText(),
            progress_seq = v.Sequence,
            pages = v.Progress.Pages,
            records_read = v.Progress.RecordsRead,
            records_inserted = v.Progress.Inserted,
            records_updated = v.Progress.Updated,
            records_unchanged = v.Progress.Unchanged,
            records_dead_lettered = v.Progress.DeadLettered,
            records_deleted = v.Progress.Deleted,
            total_records = v.Progress.TotalRecords,
            upstream_calls = v.Progress.Calls,
            attempts = v.Attempts,
            last_error = StorableText.CleanOrNull(v.Errors.LastOrDefault()?.Message),
            throttled = v.Progress.Throttled,
            breaker = (v.Breaker?.Phase ?? BreakerPhase.Closed).ToString().ToLowerInvariant(),
            consecutive_failures = v.Breaker?.ConsecutiveFailures ?? 0,
            next_attempt_at = v.NextAttemptAt,
            hung_restarts = v.HungRestarts,
            kind = v.Spec.Kind.ToString().ToLowerInvariant(),
            percent = v.Percent,
            eta = v.Eta,
            records_per_second = v.RecordsPerSecond,
            errors = v.Errors.Select(static e => new { at = e.At, attempt = e.Attempt, message = StorableText.Clean(e.Message) }),
            backfill_id = v.Spec.BackfillId,
            silo = v.Silo,
            started_at = v.StartedAt,
            updated_at = v.UpdatedAt,
            finished_at = v.FinishedAt,
            lag_bytes = (long?)v.Lag?.Bytes,
            lag_seconds = v.Lag?.Seconds,
            lag_limit = (long?)v.Lag?.Limit,
            lag_at = v.Lag?.At,
        });
        await using var command = dataSource.CreateCommand("""
            INSERT INTO sync.progress AS p (task_id, project_id, stream, run_id, status, progress_seq, pages, records_read,
                records_inserted, records_updated, records_unchanged, records_dead_lettered, total_records, upstream_calls,
                attempts, last_error, silo, started_at, updated_at, finished_at,
                throttled, breaker, consecutive_failures, next_attempt_at, hung_restarts,
                kind, percent, eta, records_per_second, errors, backfill_id, records_deleted,
                lag_bytes, lag_seconds, lag_limit, lag_at)
            SELECT task_id, project_id, stream, run_id, status, progress_seq, pages, records_read,
                   records_inserted, records_updated, records_unchanged, records_dead_lettered, total_records, upstream_calls,
                   attempts, last_error, silo, started_at, updated_at, finished_at,
                   throttled, breaker, consecutive_failures, next_attempt_at, hung_restarts,
                   kind, percent, eta, records_per_second, COALESCE(errors, '[]'::jsonb), backfill_id, records_deleted,
                   lag_bytes, lag_seconds, lag_limit, lag_at
              FROM jsonb_to_recordset(@rows) AS r(task_id text, project_id text, stream text, run_id text, status text,
                   progress_seq bigint, pages bigint, records_read bigint, records_inserted bigint, records_updated bigint,
                   records_unchanged bigint, records_dead_lettered bigint, total_records bigint, upstream_calls bigint,
                   attempts integer, last_error text, silo text, started_at timestamptz, updated_at timestamptz, finished_at timestamptz,
                   throttled bigint, breaker text, consecutive_failures integer, next_attempt_at timestamptz, hung_restarts integer,
                   kind text, percent double precision, eta timestamptz, records_per_second double precision, errors jsonb, backfill_id text, records_deleted bigint,
                   lag_bytes bigint, lag_seconds double precision, lag_limit bigint, lag_at timestamptz)
            ON CONFLICT (task_id) DO UPDATE SET
                status = excluded.status, progress_seq = excluded.progress_seq, pages = excluded.pages,
                records_read = excluded.records_read, records_inserted = excluded.records_inserted,
                records_updated = excluded.records_updated, records_unchanged = excluded.records_unchanged,
                records_dead_lettered = excluded.records_dead_lettered, total_records = excluded.total_records,
                upstream_calls = excluded.upstream_calls, attempts = excluded.attempts, last_error = excluded.last_error,
                silo = excluded.silo, started_at = excluded.started_at, updated_at = excluded.updated_at,
                finished_at = excluded.finished_at, throttled = excluded.throttled, breaker = excluded.breaker,
                consecutive_failures = excluded.consecutive_failures, next_attempt_at = excluded.next_attempt_at,
                hung_restarts = excluded.hung_restarts, kind = excluded.kind, percent = excluded.percent, eta = excluded.eta,
                records_per_second = excluded.records_per_second, errors = excluded.errors, backfill_id = excluded.backfill_id,
                records_deleted = excluded.records_deleted, lag_bytes = excluded.lag_bytes, lag_seconds = excluded.lag_seconds,
                lag_limit = excluded.lag_limit, lag_at = excluded.lag_at
            WHERE p.progress_seq < excluded.progress_seq
            """);
        command.Parameters.Add(new NpgsqlParameter("rows", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(rows) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
