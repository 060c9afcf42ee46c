using System.Data;
using Npgsql;
using OrleansSync.Pipeline;

namespace OrleansSync.Sources.Postgres.Cursor;

/// <summary>
/// One chunk of a cursor read: the next rows of the source table in (cursor, primary key) order after a position,
/// streamed by binary COPY into a staging table (<see cref="ChunkStage"/>) and upserted into the mirror with the
/// checkpoint, in one transaction. Nothing is deleted: a cursor never sees a row go.
/// </summary>
/// <param name="source">The source table's shape.</param>
/// <param name="mirror">Its mirror.</param>
/// <param name="order">The cursor column, then the primary key's other columns (<see cref="CursorColumn.Order"/>).</param>
/// <param name="rows">The chunk's size.</param>
internal sealed class CursorChunk(TableShape source, TableName mirror, IReadOnlyList<ColumnShape> order, int rows)
{
    private readonly ChunkStage _stage = new(source, mirror);

    /// <param name="After">The last row's position (each order column as text), or the one before when the chunk was empty.</param>
    /// <param name="Rows">Rows the chunk held.</param>
    /// <param name="Last">Whether it reached the rows past the cursor's end.</param>
    /// <param name="Result">What the upsert did: inserted, updated, unchanged.</param>
    public sealed record class Landed(IReadOnlyList<string>? After, int Rows, bool Last, PageWriteResult Result);

    /// <summary>Lands the rows after <paramref name="after"/> (from the first when null) with the checkpoint <paramref name="checkpoint"/> makes of them.</summary>
    /// <param name="sourceConnection">The source, outside any transaction: each chunk reads in its own.</param>
    /// <param name="target">The cluster's database.</param>
    /// <param name="after">The previous chunk's last position, or null.</param>
    /// <param name="checkpoint">The checkpoint of the chunk, from what it landed.</param>
    /// <param name="now">The checkpoint's time.</param>
    /// <param name="cancellationToken">Cancels the chunk; nothing of it commits.</param>
    public async Task<Landed> LandAsync(
        NpgsqlConnection sourceConnection,
        NpgsqlDataSource target,
        IReadOnlyList<string>? after,
        Func<Landed, Checkpoint> checkpoint,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var connection = await target.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await _stage.CreateAsync(connection, numbered: true, cancellationToken);
        // A short transaction of the source per chunk (the position's settings live in it): a long read holds no
        // snapshot open on the source.
        await using (var read = await BeginReadAsync(sourceConnection, cancellationToken))
        {
            await _stage.CopyAsync(sourceConnection, connection, CopySql(after is not null), $"{source.ColumnList()}, {ChunkStage.RowColumn}", after, cancellationToken);
        }

        var staged = await _stage.CountAsync(connection, cancellationToken);
        var last = staged < rows;
        var lastPosition = staged == 0 ? null : await LastPositionAsync(connection, cancellationToken);
        var (inserted, updated) = await _stage.UpsertAsync(connection, cancellationToken);
        var landed = new Landed(lastPosition ?? after, staged, last, new PageWriteResult(inserted, updated, staged - inserted - updated, 0));
        await ChunkStage.CommitAsync(connection, transaction, checkpoint(landed), landed.Result, now, cancellationToken);
        return landed;
    }

    /// <summary>The rows past the position, at most a chunk, numbered in the source's order (its collations, not the mirror's).</summary>
    private string CopySql(bool hasAfter)
    {
        var orderList = string.Join(", ", order.Select(static c => c.Sql()));
        // Rows whose cursor is NULL have no place in the order: a cursor never reads them.
        var where = $"{order[0].Sql()} IS NOT NULL" + (hasAfter ? $" AND {ChunkStage.After(order)}" : "");
        var chunk = $"SELECT {source.ColumnList()} FROM {source.Table.Sql} WHERE {where} ORDER BY {orderList} LIMIT {rows}";
        return $"COPY (SELECT {source.ColumnList()}, row_number() OVER (ORDER BY {orderList}) FROM ({chunk}) AS chunk) TO STDOUT (FORMAT binary)";
    }

    private async Task<IReadOnlyList<string>> LastPositionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var select = string.Join(", ", order.Select(static c => $"{c.Sql()}::text"));
        await using var command = new NpgsqlCommand($"SELECT {select} FROM {ChunkStage.Table} ORDER BY {ChunkStage.RowColumn} DESC LIMIT 1", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return [.. order.Select((_, i) => reader.GetString(i))];
    }

    private async Task<NpgsqlTransaction> BeginReadAsync(NpgsqlConnection sourceConnection, CancellationToken cancellationToken)
    {
        try
        {
            var transaction = await sourceConnection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            await ChunkStage.ExecuteAsync(sourceConnection, "SET TRANSACTION READ ONLY", [], cancellationToken);
            return transaction;
        }
        catch (NpgsqlException e)
        {
            throw new PostgresSourceException($"Reading source table {source.Table} failed: {PostgresSourceConnection.Describe(e)}.");
        }
    }
}
