using Npgsql;
using OrleansSync.Pipeline;

namespace OrleansSync.Mirror;

/// <summary><c>sync.checkpoints</c>: where each stream (and scope) of a project is.</summary>
internal static class CheckpointTable
{
    private const string UpsertSql = """
        INSERT INTO sync.checkpoints AS t (project_id, stream, scope, task_id, cursor, updated_at)
        VALUES (@project_id, @stream, @scope, @task_id, @cursor, @now)
        ON CONFLICT (project_id, stream, scope) DO UPDATE SET
            task_id = excluded.task_id,
            cursor = excluded.cursor,
            updated_at = excluded.updated_at
        """;

    private const string ReadSql = """
        SELECT task_id, cursor::text FROM sync.checkpoints
        WHERE project_id = @project_id AND stream = @stream AND scope = @scope
        """;

    public static NpgsqlBatchCommand Upsert(Checkpoint checkpoint, DateTimeOffset now) => new(UpsertSql)
    {
        Parameters =
        {
            SqlParameters.Text("project_id", ProjectIds.Normalize(checkpoint.ProjectId)),
            SqlParameters.Text("stream", checkpoint.Stream),
            SqlParameters.Text("scope", checkpoint.Scope),
            SqlParameters.Text("task_id", checkpoint.TaskId),
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
        return new Checkpoint(projectId, stream, scope, taskId, reader.GetString(1));
    }
}
