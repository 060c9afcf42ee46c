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
/// Streams a table's slot from an LSN and lands its changes in commit order, batched: a batch lands
/// <see cref="CdcOptions.FlushDelay"/> after its first change arrived, or once it reaches <see cref="CdcOptions.BatchRows"/>
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
            // Columns added on the source since the mirror was made (a kill between their relation message and the mirror's change).
            await CdcColumns.AddMissingAsync(source, target, schema, shape, cancellationToken);
        }

        var mirror = await MirrorTable.EnsureAsync(target, schema, shape, cancellationToken);
        var apply = new CdcApply(shape, mirror.Table);
        var reader = new CdcMessageReader(shape);
        await using var replication = await CdcSlot.OpenAsync(connection, cancellationToken);
        // The stream's own token: a read in flight must end before the stream is disposed, also when the task stops
        // taking pages (a pause) without cancelling.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var messages = StartAsync(replication, names, from, stop.Token);
        await using var enumerator = messages.GetAsyncEnumerator(stop.Token);
        at.Lsn = from;
        var committed = from;
        var pending = new List<CdcChange>();
        var inTransaction = false;
        LogInformationStreaming(logger, run.Spec.TaskId, table.ToString(), names.Slot, from.ToString());
        Task<bool>? next = null;
        var saidAt = time.GetUtcNow();
        DateTimeOffset? dirtySince = null;
        try
        {
            while (true)
            {
                next ??= MoveNextAsync(enumerator, names);
                var dirty = pending.Count > 0 || committed > at.Lsn;
                // What has not landed waits the flush delay from when it arrived, at most: a source that never pauses that
                // long, in transactions too small to fill a batch, would otherwise keep it waiting until one fills.
                var now = time.GetUtcNow();
                dirtySince = dirty ? dirtySince ?? now : null;
                var flushIn = options.FlushDelay - (now - dirtySince ?? TimeSpan.Zero);
                // A caller waits for a position this task has not checkpointed (sync --wait): look again soon.
                var behind = run.WantedPosition > (ulong)at.Lsn;
                if (flushIn <= TimeSpan.Zero
                    || !await ArrivesAsync(next, run.PositionWanted, dirty ? flushIn : behind ? options.FlushDelay : options.IdleReport, cancellationToken))
                {
                    if (dirty)
                    {
                        yield return await LandAsync(run, apply, replication, pending, committed, at, cancellationToken);
                    }
                    else if (!inTransaction && replication.LastReceivedLsn > at.Lsn)
                    {
                        // Quiet, past WAL that held nothing of this table (other tables' changes, keepalives): checkpoint
                        // there, so the slot may let go of it too, rather than keep the source's WAL for nothing.
                        committed = replication.LastReceivedLsn;
                        yield return await LandAsync(run, apply, replication, pending, committed, at, cancellationToken);
                    }
                    else if (!behind || time.GetUtcNow() - saidAt >= options.IdleReport)
                    {
                        // Quiet: say so, since a task landing nothing for long is taken for hung.
                        yield return new PageLanded(PageTally.None, PageWriteResult.Empty, (ulong)at.Lsn);
                    }
                    else
                    {
                        await AskHowFarAsync(replication, cancellationToken);
                        continue;
                    }

                    saidAt = time.GetUtcNow();
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
                    case RelationMessage relation when !reader.Matches([.. relation.Columns.Select(static c => c.ColumnName)]):
                        var columns = relation.Columns.Select(static c => c.ColumnName).ToList();
                        if (pending.Count > 0 || committed > at.Lsn)
                        {
                            // What arrived before lands in the columns it was sent with.
                            yield return await LandAsync(run, apply, replication, pending, committed, at, cancellationToken);
                            saidAt = time.GetUtcNow();
                        }

                        shape = await CdcColumns.FollowAsync(connection, target, schema, shape, columns, cancellationToken);
                        LogInformationColumns(logger, run.Spec.TaskId, table.ToString(), string.Join(", ", columns.Select(SqlIdentifier.Display)));
                        apply = new CdcApply(shape, mirror.Table);
                        reader = new CdcMessageReader(shape);
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
                    saidAt = time.GetUtcNow();
                }
            }
        }
        finally
        {
            await StopAsync(stop, next);
        }
    }

    private static IAsyncEnumerable<PgOutputReplicationMessage> StartAsync(LogicalReplicationConnection replication, CdcNames names, NpgsqlLogSequenceNumber from, CancellationToken cancellationToken) =>
        replication.StartReplication(
            new PgOutputReplicationSlot(names.Slot),
            new PgOutputReplicationOptions(names.Publication, PgOutputProtocolVersion.V1),
            cancellationToken,
            from);

    /// <summary>
    /// Whether the read in flight ends within <paramref name="wait"/> (it goes on either way); false sooner when
    /// <paramref name="wake"/> completes first (a caller now waits for a position), so the loop looks again.
    /// </summary>
    private async Task<bool> ArrivesAsync(Task<bool> next, Task wake, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (next.IsCompleted)
        {
            return true;
        }

        try
        {
            // WhenAny never throws: the read's own outcome is the caller's to take from it.
            await Task.WhenAny(next, wake).WaitAsync(wait, time, cancellationToken);
            return next.IsCompleted;
        }
        catch (OperationCanceledException) when (next.IsCompleted)
        {
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static async Task StopAsync(CancellationTokenSource stop, Task<bool>? next)
    {
        await stop.CancelAsync();
        if (next is not null)
        {
            try
            {
                await next;
            }
            catch (Exception e) when (e is OperationCanceledException or PostgresSourceException)
            {
                // The read we cancelled: it ends the way the stream's end says.
            }
        }
    }

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
        var tally = new PageTally(pending.Count > 0 ? 1 : 0, pending.Count, 0, 0, null);
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

        return new PageLanded(tally, result, (ulong)at.Lsn);
    }

    /// <summary>
    /// A status update wakes the source's walsender; waiting for more WAL with our reply behind what it has read, it
    /// answers with a keepalive carrying that position (<see cref="ReplicationConnection.LastReceivedLsn"/>), which the
    /// next quiet turn checkpoints.
    /// </summary>
    private static async Task AskHowFarAsync(LogicalReplicationConnection replication, CancellationToken cancellationToken)
    {
        try
        {
            await replication.SendStatusUpdate(cancellationToken);
        }
        catch (InvalidOperationException)
        {
            // Not streaming yet (the source has not answered START_REPLICATION): the next turn asks again.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} follows the columns of {Table} as the source now sends them: {Columns}")]
    private static partial void LogInformationColumns(ILogger logger, string taskId, string table, string columns);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} streams {Table} from slot {Slot} at {Lsn}")]
    private static partial void LogInformationStreaming(ILogger logger, string taskId, string table, string slot, string lsn);
}
