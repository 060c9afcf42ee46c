using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansSync.Mirror;
using OrleansSync.Pipeline;

namespace OrleansSync.Sources.Postgres.Cursor;

/// <summary>
/// Cursor mode: one table (the task's stream) read incrementally by its cursor column, with the primary key as
/// tie-breaker: each run reads the rows whose (cursor, key) comes after the last one landed, by any earlier run, in
/// chunks (<see cref="CursorChunk"/>), each landed with its checkpoint. Rows inserted or updated with a growing cursor
/// land; rows deleted on the source stay in the mirror (a cursor cannot see them go, as in Airbyte's user-defined
/// cursor). A full run (<c>sync --full</c>) reads from the start again; so does a run after the cursor column changed.
/// </summary>
public sealed partial class CursorRunner(NpgsqlDataSource target, IOptions<PostgresSourceOptions> options, TimeProvider time, ILogger<CursorRunner> logger) : IStreamRunner
{
    public string Stream => PostgresModes.Cursor;

    public async IAsyncEnumerable<PageLanded> RunAsync(StreamRun run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        var table = TableName.Parse(spec.Stream, $"the stream of task {spec.TaskId}");
        var schema = spec.TargetSchema ?? throw new InvalidRequestException($"Task {spec.TaskId} names no target schema: add the project again (orleanssync project add {spec.ProjectId} --source postgres ...).");
        var column = spec.CursorColumn ?? throw new InvalidRequestException(
            $"Task {spec.TaskId} reads {table} by cursor but names no cursor column: add the project again (orleanssync project add {spec.ProjectId} --source postgres --mode cursor --cursor-column COL ...).");
        var projectId = ProjectIds.Normalize(spec.ProjectId);
        var stored = await CheckpointTable.ReadAsync(target, projectId, spec.Stream, run.Scope, cancellationToken);
        var sameRun = stored is { } s && s.RunId == run.RunId;
        var after = stored is null ? null : Start(CursorPosition.FromJson(stored.CursorJson), column, sameRun, spec.Full);
        var position = sameRun ? stored!.Position : 0;
        var readBefore = sameRun ? (await CheckpointTable.TaskCountersAsync(target, projectId, spec.TaskId, cancellationToken))?.RecordsRead ?? 0 : 0;

        var connection = run.Postgres();
        await using var source = await connection.OpenAsync(cancellationToken);
        var shape = await SnapshotRunner.ReadShapeAsync(source, table, connection.Variable, cancellationToken);
        var cursor = CursorColumn.Find(shape, column, connection.Variable);
        var mirror = await MirrorTable.EnsureAsync(target, schema, shape, cancellationToken);
        var order = CursorColumn.Order(shape, cursor);
        var total = readBefore + await CountAfterAsync(source, shape, order, after, cancellationToken);
        var chunk = new CursorChunk(shape, mirror.Table, order, options.Value.ChunkRows);
        LogInformationCursorStarted(logger, spec.TaskId, table.ToString(), column, total - readBefore, after is not null);
        while (true)
        {
            position++;
            var at = position;
            var landed = await chunk.LandAsync(
                source,
                target,
                after,
                l => run.Checkpoint(at, new CursorPosition(column, l.After).ToJson()) with { Tally = new PageTally(1, l.Rows, 1, 0, total) },
                time.GetUtcNow(),
                cancellationToken);
            yield return new PageLanded(new PageTally(1, landed.Rows, 1, 0, total), landed.Result);
            if (landed.Last)
            {
                yield break;
            }

            after = landed.After;
        }
    }

    /// <summary>
    /// Where a run starts: after the stored position, whichever run left it; from the first row for a full run (unless
    /// it resumes itself) or when the stored position is of another column (or mode).
    /// </summary>
    internal static IReadOnlyList<string>? Start(CursorPosition? stored, string column, bool sameRun, bool full) =>
        stored is { Column: { } storedColumn } && storedColumn == column && (sameRun || !full) ? stored.After : null;

    /// <summary>The rows past the position: the run's total, for its progress.</summary>
    private static async Task<long> CountAfterAsync(NpgsqlConnection source, TableShape shape, IReadOnlyList<ColumnShape> order, IReadOnlyList<string>? after, CancellationToken cancellationToken)
    {
        var where = $"{order[0].Sql()} IS NOT NULL";
        if (after is not null)
        {
            where += $" AND ({string.Join(", ", order.Select(static c => c.Sql()))}) > ({string.Join(", ", order.Select(static (c, i) => $"@a{i}::{c.Type}"))})";
        }

        try
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {shape.Table.Sql} WHERE {where}", source);
            foreach (var bound in ChunkStage.Bounds("a", after))
            {
                count.Parameters.Add(bound);
            }

            return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (NpgsqlException e)
        {
            throw new PostgresSourceException($"Counting the rows of source table {shape.Table} past its cursor failed: {PostgresSourceConnection.Describe(e)}.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} reads {Table} by cursor {Column} ({Rows} rows past its position; from a stored position: {FromPosition})")]
    private static partial void LogInformationCursorStarted(ILogger logger, string taskId, string table, string column, long rows, bool fromPosition);
}
