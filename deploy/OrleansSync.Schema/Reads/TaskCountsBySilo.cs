using Npgsql;

namespace OrleansSync.Schema.Reads;

/// <summary>Running and queued tasks per silo name, from <c>sync.progress</c> (at most a progress flush interval stale).</summary>
public static class TaskCountsBySilo
{
    public static async Task<Dictionary<string, (long Running, long Queued)>> ReadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT silo, count(*) FILTER (WHERE status = 'running'), count(*) FILTER (WHERE status = 'queued')
              FROM sync.progress WHERE status IN ('running', 'queued') AND silo IS NOT NULL GROUP BY silo
            """);
        var counts = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }

        return counts;
    }
}
