using Npgsql;

namespace OrleansSync.Schema.Reads;

/// <summary>
/// The tasks not ended whose <c>sync.progress</c> row carries a lag (the streaming ones, a PostgreSQL capture's), for
/// the CLI's <c>cluster</c> and the API's <c>GET /api/v1/cluster</c> to ask each for its lag now.
/// </summary>
public static class StreamingTaskIds
{
    public static async Task<List<string>> ReadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT task_id FROM sync.progress
             WHERE lag_bytes IS NOT NULL AND status NOT IN ('succeeded', 'failed', 'cancelled')
             ORDER BY project_id, stream, task_id
            """);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
