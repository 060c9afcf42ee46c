using Npgsql;
using OrleansSync.Pipeline;

namespace OrleansSync.Mirror;

/// <summary>
/// Runs a page's statements (records, dead letters) as one batch in one transaction, then its checkpoint with the
/// task's counters (which need the batch's counts), then the commit. Any failure rolls back the whole page, its
/// checkpoint and counters included.
/// </summary>
internal static class PageTransaction
{
    /// <param name="dataSource">Where to write.</param>
    /// <param name="commands">The page's statements; <paramref name="read"/> sees the reader on the first one's result.</param>
    /// <param name="checkpoint">The page's checkpoint, if any: when its upsert lands no row, the page is stale and rolls back.</param>
    /// <param name="read">Reads what the statements return; the remaining results are drained (and their errors raised) after it.</param>
    /// <param name="landed">What the page did to the mirror, from what <paramref name="read"/> returned: the checkpoint counts it.</param>
    /// <param name="now">The checkpoint's time.</param>
    /// <param name="cancellationToken">Cancels the page; nothing of it commits.</param>
    /// <exception cref="StaleCheckpointException">The stored checkpoint of the same run is at or past this one.</exception>
    public static async Task<TResult> RunAsync<TResult>(
        NpgsqlDataSource dataSource,
        IReadOnlyList<NpgsqlBatchCommand> commands,
        Checkpoint? checkpoint,
        Func<NpgsqlDataReader, CancellationToken, Task<TResult>> read,
        Func<TResult, PageWriteResult> landed,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = default(TResult)!;
        if (commands.Count > 0)
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
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

        if (checkpoint is not null)
        {
            await CheckpointTable.WriteAsync(connection, transaction, checkpoint, landed(result), now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
