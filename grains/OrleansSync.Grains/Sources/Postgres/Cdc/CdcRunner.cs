using System.Data;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using OrleansSync.Mirror;
using OrleansSync.Pipeline;

namespace OrleansSync.Sources.Postgres.Cdc;

/// <summary>
/// Change capture of one table (the task's stream). First, a slot is made with its snapshot exported, and the table is
/// copied from exactly that snapshot, chunk by chunk as a snapshot project does (<see cref="SnapshotChunk"/>); then the
/// slot's changes stream from its consistent point (<see cref="CdcStream"/>). The task never ends on its own: it
/// streams until it is paused, cancelled or its project removed, and a later run goes on from the checkpoint. A kill
/// during the initial copy starts it again with a new slot (its exported snapshot died with the connection).
/// </summary>
public sealed partial class CdcRunner(NpgsqlDataSource target, IOptions<PostgresSourceOptions> options, IOptions<CdcOptions> cdcOptions, TimeProvider time, ILogger<CdcRunner> logger) : IStreamRunner
{
    public string Stream => PostgresModes.Cdc;

    public async IAsyncEnumerable<PageLanded> RunAsync(StreamRun run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        var table = TableName.Parse(spec.Stream, $"the stream of task {spec.TaskId}");
        var schema = spec.TargetSchema ?? throw new InvalidRequestException($"Task {spec.TaskId} names no target schema: add the project again (orleanssync project add {spec.ProjectId} --source postgres ...).");
        var names = CdcNames.For(ProjectIds.Normalize(spec.ProjectId), table);
        var stored = await CheckpointTable.ReadAsync(target, ProjectIds.Normalize(spec.ProjectId), spec.Stream, run.Scope, cancellationToken);
        var at = new CdcPosition(stored is { } s && s.RunId == run.RunId ? s.Position : 0);
        var cursor = CdcCursor.FromJson(stored?.CursorJson);
        var connection = run.Postgres();
        if (cursor is { IsStreaming: true })
        {
            await using var source = await connection.OpenAsync(cancellationToken);
            if (!await CdcSlot.ExistsAsync(source, names, cancellationToken))
            {
                // Dropped by hand (or by a remove that raced this task): what it would have streamed is lost, so copy again.
                LogWarningSlotGone(logger, spec.TaskId, names.Slot);
                cursor = null;
            }
        }

        if (cursor is not { IsStreaming: true })
        {
            await foreach (var page in SnapshotAsync(run, table, schema, names, at, cancellationToken))
            {
                yield return page;
            }

            cursor = new CdcCursor(CdcCursor.Streaming, at.Lsn.ToString());
        }

        var stream = new CdcStream(target, cdcOptions.Value, time, logger);
        await foreach (var page in stream.RunAsync(run, table, schema, names, NpgsqlLogSequenceNumber.Parse(cursor.Lsn), at, cancellationToken))
        {
            yield return page;
        }
    }

    private async IAsyncEnumerable<PageLanded> SnapshotAsync(StreamRun run, TableName table, string schema, CdcNames names, CdcPosition at, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connection = run.Postgres();
        await using var source = await connection.OpenAsync(cancellationToken);
        var shape = await SnapshotRunner.ReadShapeAsync(source, table, connection.Variable, cancellationToken);
        var mirror = await MirrorTable.EnsureAsync(target, schema, shape, cancellationToken);
        await CdcSource.CheckServerAsync(source, connection.Variable, cancellationToken);
        await CdcSource.EnsurePublicationAsync(source, table, names, cancellationToken);
        await DropLeftoverAsync(source, names, cancellationToken);
        await using var replication = await CdcSlot.OpenAsync(connection, cancellationToken);
        var slot = await CdcSlot.CreateAsync(replication, names, cancellationToken);
        at.Lsn = slot.ConsistentPoint;
        await using var snapshot = await BeginAsync(source, table, slot.SnapshotName!, cancellationToken);
        var chunk = new SnapshotChunk(shape, mirror.Table, options.Value.ChunkRows);
        LogInformationCopying(logger, run.Spec.TaskId, table.ToString(), names.Slot, slot.ConsistentPoint.ToString());
        IReadOnlyList<string>? after = null;
        while (true)
        {
            var position = ++at.Position;
            var landed = await chunk.LandAsync(
                source,
                target,
                after,
                l => run.Checkpoint(position, (l.Last ? new CdcCursor(CdcCursor.Streaming, slot.ConsistentPoint.ToString()) : new CdcCursor(CdcCursor.Snapshotting, slot.ConsistentPoint.ToString(), l.After)).ToJson())
                    with { Tally = new PageTally(1, l.Rows, 1, 0, null) },
                time.GetUtcNow(),
                cancellationToken);
            yield return new PageLanded(new PageTally(1, landed.Rows, 1, 0, null), landed.Result);
            if (landed.Last)
            {
                yield break;
            }

            after = landed.After;
        }
    }

    /// <summary>A slot of an earlier, interrupted copy: the copy starts again with a new one.</summary>
    private static async Task DropLeftoverAsync(NpgsqlConnection source, CdcNames names, CancellationToken cancellationToken)
    {
        try
        {
            await CdcSlot.DropAsync(source, names, cancellationToken);
        }
        catch (PostgresException e)
        {
            throw new PostgresSourceException($"Dropping the replication slot {names.Slot} of an interrupted initial copy failed ({e.SqlState}: {e.MessageText}); it is retried.");
        }
    }

    private static async Task<NpgsqlTransaction> BeginAsync(NpgsqlConnection source, TableName table, string snapshotName, CancellationToken cancellationToken)
    {
        // SET TRANSACTION SNAPSHOT takes no parameter; the server's name is hex digits and dashes, checked.
        if (!SnapshotId().IsMatch(snapshotName))
        {
            throw new PostgresSourceException($"The source exported a snapshot named '{snapshotName}', not one this version can read: copying {table} stopped.");
        }

        try
        {
            var transaction = await source.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            await using var use = new NpgsqlCommand($"SET TRANSACTION SNAPSHOT '{snapshotName}'; SET TRANSACTION READ ONLY", source, transaction);
            await use.ExecuteNonQueryAsync(cancellationToken);
            return transaction;
        }
        catch (NpgsqlException e)
        {
            throw new PostgresSourceException($"Opening the slot's snapshot of source table {table} failed: {PostgresSourceConnection.Describe(e)}.");
        }
    }

    [GeneratedRegex("^[0-9A-Fa-f-]{1,64}$")]
    private static partial Regex SnapshotId();

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} copies {Table} from the snapshot of slot {Slot}, consistent at {Lsn}")]
    private static partial void LogInformationCopying(ILogger logger, string taskId, string table, string slot, string lsn);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} finds its replication slot {Slot} gone: it copies the table again")]
    private static partial void LogWarningSlotGone(ILogger logger, string taskId, string slot);
}

/// <summary>Where a capture is within its run: the last checkpoint's position and the source LSN it stands for.</summary>
internal sealed class CdcPosition(long position)
{
    public long Position { get; set; } = position;

    public NpgsqlLogSequenceNumber Lsn { get; set; }
}
