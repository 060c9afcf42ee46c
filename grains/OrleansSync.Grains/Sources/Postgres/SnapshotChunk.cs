using System.Text;
using Npgsql;
using OrleansSync.Pipeline;

namespace OrleansSync.Sources.Postgres;

/// <summary>
/// One chunk of a snapshot: the next rows of the source table in primary-key order after a key, streamed by binary
/// COPY into a staging table of the cluster's database (<see cref="ChunkStage"/>), then merged into the mirror (rows
/// inserted, changed rows updated, mirror rows in the chunk's key range that the source no longer has deleted), with
/// the checkpoint, in one transaction. Where the mirror holds no row after the chunk's start (a first snapshot, or one
/// resumed after its last landed chunk) every row is an insert and none is deleted: the COPY goes straight into the
/// mirror, which halves what PostgreSQL writes.
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
        var landed = await MirrorEmptyAfterAsync(connection, after, cancellationToken)
            ? await CopyIntoMirrorAsync(sourceConnection, connection, after, cancellationToken)
            : await MergeAsync(sourceConnection, connection, after, cancellationToken);
        await ChunkStage.CommitAsync(connection, transaction, checkpoint(landed), landed.Result, now, cancellationToken);
        return landed;
    }

    private async Task<Landed> CopyIntoMirrorAsync(NpgsqlConnection sourceConnection, NpgsqlConnection connection, IReadOnlyList<string>? after, CancellationToken cancellationToken)
    {
        await _stage.CopyAsync(sourceConnection, connection, SourceCopySql(after is not null), source.ColumnList(), after, cancellationToken, into: mirror.Sql);
        var (copied, lastKey) = await CountAndLastKeyAsync(connection, mirror.Sql, after, cancellationToken);
        return new Landed(lastKey ?? after, copied, copied < rows, new PageWriteResult(copied, 0, 0, 0, 0), 0);
    }

    private async Task<Landed> MergeAsync(NpgsqlConnection sourceConnection, NpgsqlConnection connection, IReadOnlyList<string>? after, CancellationToken cancellationToken)
    {
        await _stage.CreateAsync(connection, numbered: false, cancellationToken);
        await _stage.CopyAsync(sourceConnection, connection, SourceCopySql(after is not null), source.ColumnList(), after, cancellationToken);
        var (staged, lastKey) = await CountAndLastKeyAsync(connection, Stage, after: null, cancellationToken);
        var last = staged < rows;
        var deleted = await ChunkStage.ExecuteAsync(connection, DeleteSql(after, last ? null : lastKey), [.. ChunkStage.Bounds("a", after), .. ChunkStage.Bounds("b", last ? null : lastKey)], cancellationToken);
        var (inserted, updated) = await _stage.UpsertAsync(connection, cancellationToken);
        return new Landed(lastKey ?? after, staged, last, new PageWriteResult(inserted, updated, staged - inserted - updated, 0, deleted), deleted);
    }

    /// <summary>Whether the mirror holds no row after <paramref name="after"/> (no row at all when null).</summary>
    private async Task<bool> MirrorEmptyAfterAsync(NpgsqlConnection connection, IReadOnlyList<string>? after, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT NOT EXISTS (SELECT 1 FROM {mirror.Sql} AS s{AfterCondition(after)})", connection);
        command.Parameters.AddRange(ChunkStage.Bounds("a", after).ToArray());
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    // Types are the catalog's own text for built-in types (SourceCatalog); names are quoted; the limit is ours.
    private string SourceCopySql(bool hasAfter)
    {
        var where = hasAfter ? $" WHERE {ChunkStage.After(source.Key)}" : "";
        return $"COPY (SELECT {source.ColumnList()} FROM {source.Table.Sql}{where} ORDER BY {source.KeyList()} LIMIT {rows}) TO STDOUT (FORMAT binary)";
    }

    /// <summary>The rows of <paramref name="table"/> after <paramref name="after"/> (all when null), and the last one's key.</summary>
    private async Task<(int Rows, IReadOnlyList<string>? LastKey)> CountAndLastKeyAsync(
        NpgsqlConnection connection, string table, IReadOnlyList<string>? after, CancellationToken cancellationToken)
    {
        // Qualified: a bare name in ORDER BY would sort by the output column of that name, the key as text ('9' > '12').
        var select = string.Join(", ", source.Key.Select(static c => $"{c.Sql("s")}::text"));
        var order = string.Join(", ", source.Key.Select(static c => $"{c.Sql("s")} DESC"));
        var where = AfterCondition(after);
        await using var command = new NpgsqlCommand(
            $"SELECT count(*) FROM {table} AS s{where}; SELECT {select} FROM {table} AS s{where} ORDER BY {order} LIMIT 1", connection);
        command.Parameters.AddRange(ChunkStage.Bounds("a", after).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var count = (int)reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        return (count, await reader.ReadAsync(cancellationToken) ? [.. source.Key.Select((_, i) => reader.GetString(i))] : null);
    }

    /// <summary>Rows of alias <c>s</c> whose key comes after the <c>@a</c> bounds; nothing when <paramref name="after"/> is null.</summary>
    private string AfterCondition(IReadOnlyList<string>? after) => after is null ? "" : $" WHERE ({source.KeyList("s")}) > ({Typed("a")})";

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
