using Npgsql;

namespace OrleansSync.Mirror;

/// <summary>
/// Picks the open dead letters a run retries: a bounded number of a project's stream, least recently retried first
/// (never retried before all others), each stamped as retried now so the next run takes the next ones.
/// </summary>
internal static class DeadLetterRetries
{
    private const string TakeSql = """
        WITH picked AS (
            SELECT id FROM sync.dead_letters
            WHERE project_id = @project_id AND stream = @stream AND resolved_at IS NULL AND record_key IS NOT NULL
            ORDER BY retried_at NULLS FIRST, id
            LIMIT @limit
            FOR UPDATE SKIP LOCKED
        )
        UPDATE sync.dead_letters d SET retried_at = @now, retries = d.retries + 1
        FROM picked
        WHERE d.id = picked.id
        RETURNING d.record_key
        """;

    /// <summary>The record keys to retry (each once), now stamped as retried.</summary>
    public static async Task<IReadOnlyList<string>> TakeAsync(
        NpgsqlDataSource dataSource, string projectId, string stream, int limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (limit == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand(TakeSql);
        command.Parameters.Add(SqlParameters.Text("project_id", projectId));
        command.Parameters.Add(SqlParameters.Text("stream", stream));
        command.Parameters.Add(SqlParameters.Integer("limit", limit));
        command.Parameters.Add(SqlParameters.Timestamp("now", now));
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetString(0));
        }

        return [.. keys];
    }
}
