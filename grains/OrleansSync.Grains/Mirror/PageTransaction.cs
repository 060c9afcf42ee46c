using Npgsql;
using OrleansSync.Pipeline;

namespace OrleansSync.Mirror;

/// <summary>
/// Runs a page's statements (records, dead letters, checkpoint) as one batch in one transaction: one round trip for
/// all of them, one for the commit. Any failure rolls back the whole page, its checkpoint included.
/// </summary>
internal static class PageTransaction
{
    /// <param name="dataSource">Where to write.</param>
    /// <param name="commands">The page's statements; <paramref name="read"/> sees the reader on the first one's result.</param>
    /// <param name="checkpoint">The page's checkpoint and its upsert (one of <paramref name="commands"/>), if any: when the upsert lands no row, the page is stale and rolls back.</param>
    /// <param name="read">Reads what the statements return; the remaining results are drained (and their errors raised) after it.</param>
    /// <param name="cancellationToken">Cancels the page; nothing of it commits.</param>
    /// <exception cref="StaleCheckpointException">The stored checkpoint of the same run is at or past this one.</exception>
    public static async Task<TResult> RunAsync<TResult>(
        NpgsqlDataSource dataSource,
        IReadOnlyList<NpgsqlBatchCommand> commands,
        (Checkpoint Checkpoint, NpgsqlBatchCommand Upsert)? checkpoint,
        Func<NpgsqlDataReader, CancellationToken, Task<TResult>> read,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        TResult result;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var command in commands)
            {
                batch.BatchCommands.Add(command);
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            result = await read(reader, cancellationToken);
            while (await reader.NextResultAsync(cancellationToken))
            {
                // Draining surfaces an error of a later statement before the commit, not after it.
            }
        }

        if (checkpoint is { } guarded && guarded.Upsert.RecordsAffected == 0)
        {
            // Disposing the transaction uncommitted rolls the page back.
            throw new StaleCheckpointException(guarded.Checkpoint);
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
