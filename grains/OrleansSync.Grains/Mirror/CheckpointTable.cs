using Npgsql;
using OrleansSync.Pipeline;

namespace OrleansSync.Mirror;

/// <summary>
/// <c>sync.checkpoints</c>: where each stream of a project is, and the counters of the task that got it there.
/// Never moved backwards within a run.
/// </summary>
internal static class CheckpointTable
{
    // A new run starts wherever it likes; within a run, only a later position lands. Comparing run ids as text would
    // trust silo clocks, so an older run's write is told apart only by its position within its own run.
    // Counters add up while the same task writes, and start again from the page when another task takes over.
    private const string UpsertSql = """
        INSERT INTO sync.checkpoints AS t (project_id, stream, scope, task_id, run_id, position, cursor, updated_at,
            task_pages, task_records_read, task_inserted, task_updated, task_unchanged, task_dead_lettered,
            task_calls, task_throttled, task_total, task_deleted)
        VALUES (@project_id, @stream, @scope, @task_id, @run_id, @position, @cursor, @now,
            @pages, @records_read, @inserted, @updated, @unchanged, @dead_lettered, @calls, @throttled, @total, @deleted)
        ON CONFLICT (project_id, stream, scope) DO UPDATE SET
            task_id = excluded.task_id,
            run_id = excluded.run_id,
            position = excluded.position,
            cursor = excluded.cursor,
            updated_at = excluded.updated_at,
            task_pages = excluded.task_pages + CASE WHEN t.task_id = excluded.task_id THEN t.task_pages ELSE 0 END,
            task_records_read = excluded.task_records_read + CASE WHEN t.task_id = excluded.task_id THEN t.task_records_read ELSE 0 END,
            task_inserted = excluded.task_inserted + CASE WHEN t.task_id = excluded.task_id THEN t.task_inserted ELSE 0 END,
            task_updated = excluded.task_updated + CASE WHEN t.task_id = excluded.task_id THEN t.task_updated ELSE 0 END,
            task_unchanged = excluded.task_unchanged + CASE WHEN t.task_id = excluded.task_id THEN t.task_unchanged ELSE 0 END,
            task_dead_lettered = excluded.task_dead_lettered + CASE WHEN t.task_id = excluded.task_id THEN t.task_dead_lettered ELSE 0 END,
            task_calls = excluded.task_calls + CASE WHEN t.task_id = excluded.task_id THEN t.task_calls ELSE 0 END,
            task_throttled = excluded.task_throttled + CASE WHEN t.task_id = excluded.task_id THEN t.task_throttled ELSE 0 END,
            task_total = COALESCE(excluded.task_total, CASE WHEN t.task_id = excluded.task_id THEN t.task_total END),
            task_deleted = excluded.task_deleted + CASE WHEN t.task_id = excluded.task_id THEN t.task_deleted ELSE 0 END
        WHERE t.run_id IS DISTINCT FROM excluded.run_id OR t.position < excluded.position
        """;

    private const string ReadSql = """
        SELECT task_id, run_id, position, cursor::text FROM sync.checkpoints
        WHERE project_id = @project_id AND stream = @stream AND scope = @scope
        """;

    // A backfill day's task writes three checkpoints (reviews and both children) under its scope: its counters are their sum.
    private const string CountersSql = """
        SELECT count(*), COALESCE(sum(task_pages), 0)::bigint, COALESCE(sum(task_records_read), 0)::bigint,
               COALESCE(sum(task_inserted), 0)::bigint, COALESCE(sum(task_updated), 0)::bigint,
               COALESCE(sum(task_unchanged), 0)::bigint, COALESCE(sum(task_dead_lettered), 0)::bigint,
               COALESCE(sum(task_calls), 0)::bigint, COALESCE(sum(task_throttled), 0)::bigint, max(task_total),
               COALESCE(sum(task_deleted), 0)::bigint
          FROM sync.checkpoints
         WHERE project_id = @project_id AND task_id = @task_id
        """;

    /// <summary>
    /// Writes <paramref name="checkpoint"/> inside <paramref name="transaction"/>, with what its page did to the mirror.
    /// </summary>
    /// <exception cref="StaleCheckpointException">The stored checkpoint of the same run is at or past this one (another activation went on): disposing the transaction uncommitted rolls the page back.</exception>
    public static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Checkpoint checkpoint, PageWriteResult landed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var upsert = Upsert(checkpoint, landed, now);
        upsert.Connection = connection;
        upsert.Transaction = transaction;
        if (await upsert.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new StaleCheckpointException(checkpoint);
        }
    }

    /// <summary>
    /// The upsert of <paramref name="checkpoint"/>, counting its page with what it did to the mirror
    /// (<paramref name="landed"/>); it affects no row when the stored checkpoint of the same run is at or past this one.
    /// </summary>
    public static NpgsqlCommand Upsert(Checkpoint checkpoint, PageWriteResult landed, DateTimeOffset now)
    {
        var tally = checkpoint.Tally;
        return new NpgsqlCommand(UpsertSql)
        {
            Parameters =
            {
                SqlParameters.Text("project_id", ProjectIds.Normalize(checkpoint.ProjectId)),
                SqlParameters.Text("stream", checkpoint.Stream),
                SqlParameters.Text("scope", checkpoint.Scope),
                SqlParameters.Text("task_id", checkpoint.TaskId),
                SqlParameters.Text("run_id", checkpoint.RunId),
                SqlParameters.Bigint("position", checkpoint.Position),
                SqlParameters.Jsonb("cursor", checkpoint.CursorJson),
                SqlParameters.Timestamp("now", now),
                SqlParameters.Bigint("pages", tally.Pages),
                SqlParameters.Bigint("records_read", tally.RecordsRead),
                SqlParameters.Bigint("inserted", landed.Inserted),
                SqlParameters.Bigint("updated", landed.Updated),
                SqlParameters.Bigint("unchanged", landed.Unchanged),
                SqlParameters.Bigint("dead_lettered", landed.DeadLettered),
                SqlParameters.Bigint("calls", tally.Calls),
                SqlParameters.Bigint("throttled", tally.Throttled),
                SqlParameters.NullableBigint("total", tally.TotalRecords),
                SqlParameters.Bigint("deleted", landed.Deleted),
            },
        };
    }

    public static async Task<Checkpoint?> ReadAsync(NpgsqlDataSource dataSource, string projectId, string stream, string scope, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ReadSql);
        command.Parameters.Add(SqlParameters.Text("project_id", projectId));
        command.Parameters.Add(SqlParameters.Text("stream", stream));
        command.Parameters.Add(SqlParameters.Text("scope", scope));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var taskId = await reader.IsDBNullAsync(0, cancellationToken) ? string.Empty : reader.GetString(0);
        return new Checkpoint(projectId, stream, taskId, reader.GetString(1), reader.GetInt64(2), reader.GetString(3), scope);
    }

    /// <summary>The counters a task's checkpoints committed, or null when no checkpoint is (still) the task's.</summary>
    public static async Task<TaskCounters?> TaskCountersAsync(NpgsqlDataSource dataSource, string projectId, string taskId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(CountersSql);
        command.Parameters.Add(SqlParameters.Text("project_id", projectId));
        command.Parameters.Add(SqlParameters.Text("task_id", taskId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || reader.GetInt64(0) == 0)
        {
            return null;
        }

        return new TaskCounters(
            taskId,
            reader.GetInt64(1),
            reader.GetInt64(2),
            reader.GetInt64(3),
            reader.GetInt64(4),
            reader.GetInt64(5),
            reader.GetInt64(6),
            reader.GetInt64(7),
            reader.GetInt64(8),
            await reader.IsDBNullAsync(9, cancellationToken) ? null : reader.GetInt64(9),
            reader.GetInt64(10));
    }
}
