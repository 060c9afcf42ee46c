using System.Runtime.CompilerServices;
using System.Data;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansSync.Mirror;
using OrleansSync.Pipeline;

namespace OrleansSync.Sources.Postgres;

/// <summary>
/// Snapshot mode: one table (the task's stream) read in one REPEATABLE READ transaction of the source that imports the
/// run's shared snapshot (<see cref="ISharedSnapshotGrain"/>), so every chunk of every table of the run sees the
/// source as of one instant, in primary-key order, chunk by chunk (<see cref="SnapshotChunk"/>), each landed and
/// merged with its checkpoint. A run killed midway resumes after its last landed chunk, in the same snapshot while
/// its holder lives (else in a new one); a new run reads the whole table again, and so sees rows deleted since.
/// </summary>
public sealed partial class SnapshotRunner(
    NpgsqlDataSource target, IGrainFactory grains, IOptions<PostgresSourceOptions> options, TimeProvider time, ILogger<SnapshotRunner> logger) : IStreamRunner
{
    public string Stream => PostgresModes.Snapshot;

    public async IAsyncEnumerable<PageLanded> RunAsync(StreamRun run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        var table = TableName.Parse(spec.Stream, $"the stream of task {spec.TaskId}");
        var schema = spec.TargetSchema ?? throw new InvalidRequestException($"Task {spec.TaskId} names no target schema: add the project again (orleanssync project add {spec.ProjectId} --source postgres ...).");
        var stored = await CheckpointTable.ReadAsync(target, ProjectIds.Normalize(spec.ProjectId), spec.Stream, run.Scope, cancellationToken);
        var resumed = stored is { } s && s.RunId == run.RunId ? SnapshotCursor.FromJson(s.CursorJson) : null;
        var shared = grains.GetGrain<ISharedSnapshotGrain>(SharedSnapshotKey.Of(spec));
        if (resumed is { Done: true })
        {
            await shared.DoneAsync(spec.Stream, cancellationToken);
            yield break;
        }

        var connection = run.Postgres();
        await using var source = await connection.OpenAsync(cancellationToken);
        var snapshotId = await shared.JoinAsync(spec, cancellationToken);
        await using var snapshot = await BeginSnapshotAsync(source, table, snapshotId, cancellationToken);
        var shape = await ReadShapeAsync(source, table, connection.Variable, cancellationToken);
        var mirror = await MirrorTable.EnsureAsync(target, schema, shape, cancellationToken);
        var total = await CountAsync(source, shape, cancellationToken);
        var chunk = new SnapshotChunk(shape, mirror.Table, options.Value.ChunkRows);
        var after = resumed?.After;
        var position = resumed is null ? 0 : stored!.Position;
        LogInformationSnapshotStarted(logger, spec.TaskId, table.ToString(), total, resumed is not null);
        while (true)
        {
            position++;
            var at = position;
            var landed = await chunk.LandAsync(
                source,
                target,
                after,
                l => run.Checkpoint(at, new SnapshotCursor(l.After, l.Last).ToJson()) with { Tally = new PageTally(1, l.Rows, 1, 0, total) },
                time.GetUtcNow(),
                cancellationToken);
            if (landed.Deleted > 0)
            {
                LogInformationDeleted(logger, spec.TaskId, table.ToString(), landed.Deleted);
            }

            if (landed.Last)
            {
                await shared.DoneAsync(spec.Stream, cancellationToken);
            }

            yield return new PageLanded(new PageTally(1, landed.Rows, 1, 0, total), landed.Result);
            if (landed.Last)
            {
                yield break;
            }

            after = landed.After;
        }
    }

    /// <summary>
    /// The table's REPEATABLE READ transaction, in the shared snapshot <paramref name="snapshotId"/> when there is one:
    /// when its holder is gone (the id no longer valid), in a snapshot of its own.
    /// </summary>
    private async Task<NpgsqlTransaction> BeginSnapshotAsync(NpgsqlConnection source, TableName table, string? snapshotId, CancellationToken cancellationToken)
    {
        try
        {
            var transaction = await source.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            if (snapshotId is not null && SnapshotId().IsMatch(snapshotId))
            {
                try
                {
                    // SET TRANSACTION SNAPSHOT takes no parameter; the id is PostgreSQL's own, checked to be hex and dashes.
                    await ChunkStage.ExecuteAsync(source, $"SET TRANSACTION SNAPSHOT '{snapshotId}'", [], cancellationToken);
                }
                catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidParameterValue or PostgresErrorCodes.ObjectNotInPrerequisiteState)
                {
                    LogWarningSnapshotGone(logger, table.ToString(), e.MessageText);
                    await transaction.DisposeAsync();
                    transaction = await source.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
                }
            }

            await ChunkStage.ExecuteAsync(source, "SET TRANSACTION READ ONLY", [], cancellationToken);
            return transaction;
        }
        catch (NpgsqlException e)
        {
            throw new PostgresSourceException($"Opening a snapshot of source table {table} failed: {PostgresSourceConnection.Describe(e)}.");
        }
    }

    [GeneratedRegex("^[0-9A-F]+(-[0-9A-F]+)+$")]
    private static partial Regex SnapshotId();

    /// <summary>The source table's shape; a table gone or changed is the source's error, which the task waits out.</summary>
    internal static async Task<TableShape> ReadShapeAsync(NpgsqlConnection source, TableName table, string variable, CancellationToken cancellationToken)
    {
        TableShape? shape;
        try
        {
            shape = await SourceCatalog.ReadAsync(source, table, $"Source table {table}", cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw new PostgresSourceException($"Reading the catalog of source table {table} failed: {PostgresSourceConnection.Describe(e)}.");
        }

        return shape ?? throw new PostgresSourceException(
            $"Source table {table} (--tables) does not exist in the source database of {variable}: create it, fix the name (quote mixed-case names: schema.\"Name\"), or leave it out.");
    }

    private static async Task<long> CountAsync(NpgsqlConnection source, TableShape shape, CancellationToken cancellationToken)
    {
        try
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {shape.Table.Sql}", source);
            return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (NpgsqlException e)
        {
            throw new PostgresSourceException($"Counting the rows of source table {shape.Table} failed: {PostgresSourceConnection.Describe(e)}.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} snapshots {Table} ({Rows} rows; resumed: {Resumed})")]
    private static partial void LogInformationSnapshotStarted(ILogger logger, string taskId, string table, long rows, bool resumed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source table {Table} is read in a snapshot of its own: the run's shared snapshot is gone ({Reason})")]
    private static partial void LogWarningSnapshotGone(ILogger logger, string table, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} deleted {Rows} mirror rows of {Table} that the source no longer has")]
    private static partial void LogInformationDeleted(ILogger logger, string taskId, string table, int rows);
}
