using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;
using OrleansSync.Pipeline;

namespace OrleansSync.Sources.Postgres.Cdc;

/// <summary>
/// Streams a table's slot from an LSN and lands its changes in commit order, batched: a batch lands when
/// <see cref="CdcOptions.FlushDelay"/> passes without a message or it reaches <see cref="CdcOptions.BatchRows"/>
/// (within a large source transaction too, so memory stays bounded). Each batch commits with the checkpoint of the
/// last source transaction it holds whole, and only then is the slot told that it may let go of that WAL.
/// </summary>
internal sealed partial class CdcStream(NpgsqlDataSource target, CdcOptions options, TimeProvider time, ILogger logger)
{
    public async IAsyncEnumerable<PageLanded> RunAsync(
        StreamRun run, TableName table, string schema, CdcNames names, NpgsqlLogSequenceNumber from, CdcPosition at, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connection = run.Postgres();
        TableShape shape;
        await using (var source = await connection.OpenAsync(cancellationToken))
        {
            shape = await SnapshotRunner.ReadShapeAsync(source, table, connection.Variable, cancellationToken);
        }

        var mirror = await MirrorTable.EnsureAsync(target, schema, shape, cancellationToken);
        var apply = new CdcApply(shape, mirror.Table);
        var reader = new CdcMessageReader(shape);
        await using var replication = await CdcSlot.OpenAsync(connection, cancellationToken);
        var messages = StartAsync(replication, names, from, cancellationToken);
        await using var enumerator = messages.GetAsyncEnumerator(cancellationToken);
        at.Lsn = from;
        var committed = from;
        var pending = new List<CdcChange>();
        var inTransaction = false;
        LogInformationStreaming(logger, run.Spec.TaskId, table.ToString(), names.Slot, from.ToString());
        Task<bool>? next = null;
        while (true)
        {
            next ??= MoveNextAsync(enumerator, names);
            var dirty = pending.Count > 0 || committed > at.Lsn;
            if (await Task.WhenAny(next, Task.Delay(dirty ? options.FlushDelay : options.IdleReport, time, cancellationToken)) != next)
            {
                if (dirty)
                {
                    yield return await LandAsync(run, apply, replication, pending, committed, at, cancellationToken);
                }
                else
                {
                    // Quiet: say so (a task landing nothing for long is taken for hung), and let the slot go past WAL
                    // the server sent nothing of (other tables' changes, keepalives) when no transaction is half read.
                    if (!inTransaction && replication.LastReceivedLsn > replication.LastFlushedLsn)
                    {
                        replication.SetReplicationStatus(replication.LastReceivedLsn);
                        await replication.SendStatusUpdate(cancellationToken);
                    }

                    yield return new PageLanded(PageTally.None, PageWriteResult.Empty);
                }

                continue;
            }

            if (!await next)
            {
                throw new PostgresSourceException($"The source ended the replication stream of slot {names.Slot}; it is resumed from the checkpoint.");
            }

            next = null;
            switch (enumerator.Current)
            {
                case BeginMessage:
                    inTransaction = true;
                    break;
                case CommitMessage commit:
                    inTransaction = false;
                    committed = commit.TransactionEndLsn;
                    break;
                case var message:
                    if (await reader.ReadAsync(message, cancellationToken) is { } change)
                    {
                        pending.Add(change);
                    }

                    break;
            }

            if (pending.Count >= options.BatchRows)
            {
                yield return await LandAsync(run, apply, replication, pending, committed, at, cancellationToken);
            }
        }
    }

    private static IAsyncEnumerable<PgOutputReplicationMessage> StartAsync(LogicalReplicationConnection replication, CdcNames names, NpgsqlLogSequenceNumber from, CancellationToken cancellationToken) =>
        replication.StartReplication(
            new PgOutputReplicationSlot(names.Slot),
            new PgOutputReplicationOptions(names.Publication, PgOutputProtocolVersion.V1),
            cancellationToken,
            from);

    private static async Task<bool> MoveNextAsync(IAsyncEnumerator<PgOutputReplicationMessage> enumerator, CdcNames names)
    {
        try
        {
            return await enumerator.MoveNextAsync();
        }
        catch (PostgresException e)
        {
            throw new PostgresSourceException($"Streaming replication slot {names.Slot} failed ({e.SqlState}: {e.MessageText}).");
        }
        catch (NpgsqlException e)
        {
            throw new PostgresSourceException($"Streaming replication slot {names.Slot} failed: {PostgresSourceConnection.Describe(e)}.");
        }
    }

    /// <summary>Lands the pending changes with the checkpoint at <paramref name="committed"/>, then acknowledges that LSN to the slot.</summary>
    private async Task<PageLanded> LandAsync(
        StreamRun run, CdcApply apply, LogicalReplicationConnection replication, List<CdcChange> pending, NpgsqlLogSequenceNumber committed, CdcPosition at, CancellationToken cancellationToken)
    {
        var tally = new PageTally(1, pending.Count, 0, 0, null);
        var checkpoint = run.Checkpoint(++at.Position, new CdcCursor(CdcCursor.Streaming, committed.ToString()).ToJson()) with { Tally = tally };
        var result = await apply.LandAsync(target, pending, checkpoint, time.GetUtcNow(), cancellationToken);
        pending.Clear();
        if (committed > at.Lsn)
        {
            at.Lsn = committed;
            // Only now, with the changes and the checkpoint committed, may the source forget them.
            replication.SetReplicationStatus(committed);
            await replication.SendStatusUpdate(cancellationToken);
        }

        return new PageLanded(tally, result);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} streams {Table} from slot {Slot} at {Lsn}")]
    private static partial void LogInformationStreaming(ILogger logger, string taskId, string table, string slot, string lsn);
}
