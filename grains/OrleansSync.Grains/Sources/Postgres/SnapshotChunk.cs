using System.Text;
using Npgsql;
using OrleansSync.Pipeline;

namespace OrleansSync.Sources.Postgres;

/// <summary>
/// One chunk of a snapshot: the next rows of the source table in primary-key order after a key, streamed by binary
/// COPY into a staging table of the cluster's database (<see cref="ChunkStage"/>), then merged into the mirror (rows
/// inserted, changed rows updated, mirror rows in the chunk's key range that the source no longer has deleted), with
/// the checkpoint, in one transaction.
/// </summary>
internal sealed class SnapshotChunk(TableShape source, TableName mirror, int rows)
{
    private const string Stage = ChunkStage.Table;

    private readonly ChunkStage _stage = new(source, mirror);

    /// <param name="After">The last key of the chunk, each column as text, or null when the chunk was empty.</param>
    /// <param name="Rows">Rows the chunk held.</param>
    /// <param name="Last">Whether it reached the table's end.</param>
    /// <param name="Result">What the merge did: inserted, updated, unchanged.</param>
    /// <param name="Deleted">Mirror rows of its key range that the source no longer has.</param>
    public sealed record class Landed(IReadOnlyList<string>? After, int Rows, bool Last, PageWriteResult Result, int Deleted);

    /// <summary>Lands the chunk after <paramref name="after"/> (from the table's start when null) with the checkpoint <paramref name="checkpoint"/> makes of it.</summary>
    /// <param name="sourceConnection">The source, inside the snapshot's transaction.</param>
    /// <param name="target">The cluster's database.</param>
    /// <param name="after">The previous chunk's last key, or null.</param>
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
        await _stage.CreateAsync(connection, numbered: false, cancellationToken);
        await _stage.CopyAsync(sourceConnection, connection, SourceCopySql(after is not null), source.ColumnList(), after, cancellationToken);

        var staged = await _stage.CountAsync(connection, cancellationToken);
        var last = staged < rows;
        var lastKey = staged == 0 ? null : await LastKeyAsync(connection, cancellationToken);
        var deleted = await ChunkStage.ExecuteAsync(connection, DeleteSql(after, last ? null : lastKey), [.. ChunkStage.Bounds("a", after), .. ChunkStage.Bounds("b", last ? null : lastKey)], cancellationToken);
        var (inserted, updated) = await _stage.UpsertAsync(connection, cancellationToken);
        var landed = new Landed(lastKey ?? after, staged, last, new PageWriteResult(inserted, updated, staged - inserted - updated, 0, deleted), deleted);
        await ChunkStage.CommitAsync(connection, transaction, checkpoint(landed), landed.Result, now, cancellationToken);
        return landed;
    }

    // Types are the catalog's own text for built-in types (SourceCatalog); names are quoted; the limit is ours.
    private string SourceCopySql(bool hasAfter)
    {
        var where = hasAfter ? $" WHERE {ChunkStage.After(source.Key)}" : "";
        return $"COPY (SELECT {source.ColumnList()} FROM {source.Table.Sql}{where} ORDER BY {source.KeyList()} LIMIT {rows}) TO STDOUT (FORMAT binary)";
    }

    private async Task<IReadOnlyList<string>> LastKeyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Qualified: a bare name in ORDER BY would sort by the output column of that name, the key as text ('9' > '12').
        var select = string.Join(", ", source.Key.Select(static c => $"{c.Sql("s")}::text"));
        var order = string.Join(", ", source.Key.Select(static c => $"{c.Sql("s")} DESC"));
        await using var command = new NpgsqlCommand($"SELECT {select} FROM {Stage} AS s ORDER BY {order} LIMIT 1", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return [.. source.Key.Select((_, i) => reader.GetString(i))];
    }

    /// <summary>Deletes the mirror's rows in (after, upTo] (open where null) that the stage lacks.</summary>
    private string DeleteSql(IReadOnlyList<string>? after, IReadOnlyList<string>? upTo)
    {
        var sql = new StringBuilder($"DELETE FROM {mirror.Sql} AS m WHERE NOT EXISTS (SELECT 1 FROM {Stage} AS s WHERE ");
        sql.AppendJoin(" AND ", source.Key.Select(static c => $"{c.Sql("s")} = {c.Sql("m")}")).Append(')');
        if (after is not null)
        {
            sql.Append($" AND ({source.KeyList("m")}) > ({Typed("a")})");
        }

        if (upTo is not null)
        {
            sql.Append($" AND ({source.KeyList("m")}) <= ({Typed("b")})");
        }

        return sql.ToString();
    }

    private string Typed(string prefix) => string.Join(", ", source.Key.Select((c, i) => $"@{prefix}{i}::{c.Type}"));
}
