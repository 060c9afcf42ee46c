using Npgsql;
using OrleansSync.Client.Connection;

namespace OrleansSync.Client.Tasks;

/// <summary>Running and queued tasks per silo name, from <c>sync.progress</c> (at most a flush interval stale).</summary>
public static class RunningTasksQuery
{
    public static async Task<Dictionary<string, (long Running, long Queued)>> RunAsync(ClientSettings settings, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(settings.Postgres);
        await using var command = dataSource.CreateCommand("""
            SELECT silo, count(*) FILTER (WHERE status = 'running'), count(*) FILTER (WHERE status = 'queued')
              FROM sync.progress WHERE status IN ('running', 'queued') AND silo IS NOT NULL GROUP BY silo
            """);
        var counts = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
            }
        }
        catch (NpgsqlException e) when (e is not PostgresException)
        {
            throw settings.PostgresUnreachable(e);
        }

        return counts;
    }
}
