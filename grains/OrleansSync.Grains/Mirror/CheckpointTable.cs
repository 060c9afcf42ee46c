using Npgsql;
using OrleansSync.Pipeline;

namespace OrleansSync.Mirror;

/// <summary><c>sync.checkpoints</c>: where each stream of a project is. Never moved backwards within a run.</summary>
internal static class CheckpointTable
{
    // A new run starts wherever it likes; within a run, only a later position lands. Comparing run ids as text would
    // trust silo clocks, so an older run's write is told apart only by its position within its own run.
    private const string UpsertSql = """
        INSERT INTO sync.checkpoints AS t (project_id, stream, scope, task_id, run_id, position, cursor, updated_at)
        VALUES (@project_id, @stream, @scope, @task_id, @run_id, @position, @cursor, @now)
        ON CONFLICT (project_id, stream, scope) DO UPDATE SET
            task_id = excluded.task_id,
            run_id = excluded.run_id,
            position = excluded.position,
            cursor = excluded.cursor,
            updated_at = excluded.updated_at
        WHERE t.run_id IS DISTINCT FROM excluded.run_id OR t.position < excluded.position
        """;

    private const string ReadSql = """
        SELECT task_id, run_id, position, cursor::text FROM sync.checkpoints
        WHERE project_id = @project_id AND stream = @stream AND scope = @scope
        """;

    /// <summary>The upsert; it affects no row when the stored checkpoint of the same run is at or past this one.</summary>
    public static NpgsqlBatchCommand Upsert(Checkpoint checkpoint, DateTimeOffset now) => new(UpsertSql)
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
        },
    };

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
}
