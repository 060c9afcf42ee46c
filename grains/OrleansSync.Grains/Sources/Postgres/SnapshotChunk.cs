using System.Text;
using Npgsql;
using OrleansSync.Mirror;
using OrleansSync.Pipeline;

namespace OrleansSync.Sources.Postgres;

/// <summary>
/// One chunk of a snapshot: the next rows of the source table in primary-key order after a key, streamed by binary
/// COPY into a staging table of the cluster's database, then merged into the mirror (rows inserted, changed rows
/// updated, mirror rows in the chunk's key range that the source no longer has deleted), with the checkpoint, in one
/// transaction. The rows pass through in a fixed buffer: memory does not grow with the chunk or the table.
/// </summary>
internal sealed class SnapshotChunk(TableShape source, TableName mirror, int rows)
{
    private const string Stage = "pg_temp.orleanssync_stage";
    private const int CopyBuffer = 64 * 1024;

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
        await ExecuteAsync(connection, $"CREATE TEMP TABLE {Stage} (LIKE {mirror.Sql}) ON COMMIT DROP", [], cancellationToken);
        await CopyAsync(sourceConnection, connection, after, cancellationToken);

        var staged = (int)(long)(await ScalarAsync(connection, $"SELECT count(*) FROM {Stage}", cancellationToken))!;
        var last = staged < rows;
        var lastKey = staged == 0 ? null : await LastKeyAsync(connection, cancellationToken);
        var deleted = await ExecuteAsync(connection, DeleteSql(after, last ? null : lastKey), [.. Bounds("a", after), .. Bounds("b", last ? null : lastKey)], cancellationToken);
        var (inserted, updated) = await UpsertAsync(connection, cancellationToken);
        var landed = new Landed(lastKey ?? after, staged, last, new PageWriteResult(inserted, updated, staged - inserted - updated, 0), deleted);

        await CheckpointTable.WriteAsync(connection, transaction, checkpoint(landed), landed.Result, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return landed;
    }

    /// <summary>Streams the chunk from the source's COPY into the stage's COPY; source failures are the source's.</summary>
    private async Task CopyAsync(NpgsqlConnection sourceConnection, NpgsqlConnection connection, IReadOnlyList<string>? after, CancellationToken cancellationToken)
    {
        NpgsqlRawCopyStream reader;
        try
        {
            if (after is not null)
            {
                // COPY takes no parameters: the key goes in as settings of the snapshot's transaction, read back typed.
                var set = string.Join(", ", source.Key.Select((_, i) => $"set_config('orleanssync.after_{i}', @a{i}, true)"));
                await using var command = new NpgsqlCommand($"SELECT {set}", sourceConnection);
                foreach (var bound in Bounds("a", after))
                {
                    command.Parameters.Add(bound);
                }
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            reader = await sourceConnection.BeginRawBinaryCopyAsync(SourceCopySql(after is not null), cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException)
        {
            throw new PostgresSourceException($"Reading source table {source.Table} failed: {PostgresSourceConnection.Describe(e)}.");
        }

        await using (reader)
        {
            await using var writer = await connection.BeginRawBinaryCopyAsync($"COPY {Stage} ({source.ColumnList()}) FROM STDIN (FORMAT binary)", cancellationToken);
            var buffer = new byte[CopyBuffer];
            while (true)
            {
                int read;
                try
                {
                    read = await reader.ReadAsync(buffer, cancellationToken);
                }
                catch (Exception e) when (e is NpgsqlException or IOException)
                {
                    throw new PostgresSourceException($"Reading source table {source.Table} failed: {PostgresSourceConnection.Describe(e)}.");
                }

                if (read == 0)
                {
                    break;
                }

                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
    }

    // Types are the catalog's own text for built-in types (SourceCatalog); names are quoted; the limit is ours.
    private string SourceCopySql(bool hasAfter)
    {
        var where = hasAfter
            ? $" WHERE ({source.KeyList()}) > ({string.Join(", ", source.Key.Select((c, i) => $"current_setting('orleanssync.after_{i}')::{c.Type}"))})"
            : "";
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

    /// <summary>Inserts new rows and updates changed ones (compared as text: exact, and every type has a text form); RETURNING tells which.</summary>
    private async Task<(int Inserted, int Updated)> UpsertAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var others = source.Columns.Where(c => source.Key.All(k => k.Name != c.Name)).ToList();
        var onConflict = others.Count == 0
            ? "DO NOTHING"
            : $"DO UPDATE SET {string.Join(", ", others.Select(static c => $"{c.Sql()} = excluded.{c.Sql()}"))} WHERE m::text IS DISTINCT FROM excluded::text";
        var sql = $"INSERT INTO {mirror.Sql} AS m ({source.ColumnList()}) SELECT {source.ColumnList()} FROM {Stage} ON CONFLICT ({source.KeyList()}) {onConflict} RETURNING (xmax = 0)";
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var (inserted, updated) = (0, 0);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetBoolean(0))
            {
                inserted++;
            }
            else
            {
                updated++;
            }
        }

        return (inserted, updated);
    }

    private static IEnumerable<NpgsqlParameter> Bounds(string prefix, IReadOnlyList<string>? key) =>
        key is null ? [] : key.Select((value, i) => new NpgsqlParameter($"{prefix}{i}", NpgsqlTypes.NpgsqlDbType.Text) { Value = value });

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, IReadOnlyList<NpgsqlParameter> parameters, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
