using Npgsql;
using OrleansSync.Mirror;
using OrleansSync.Pipeline;

namespace OrleansSync.Sources.Postgres;

/// <summary>
/// The staging of one chunk of a source table in the cluster's database, shared by the modes that read in chunks: a
/// temporary table shaped like the mirror (dropped at commit), filled by streaming the source's binary COPY into its
/// own, then upserted into the mirror and committed with the checkpoint. The rows pass through in a fixed buffer:
/// memory does not grow with the chunk or the table.
/// </summary>
/// <param name="source">The source table's shape.</param>
/// <param name="mirror">Its mirror.</param>
internal sealed class ChunkStage(TableShape source, TableName mirror)
{
    public const string Table = "pg_temp.orleanssync_stage";

    /// <summary>A staged row's place in the source's order, for a mode that must find its last row by the source's ordering, not the mirror's.</summary>
    public const string RowColumn = "orleanssync_row";

    private const int CopyBuffer = 64 * 1024;

    /// <summary>Makes the stage in <paramref name="connection"/>'s transaction; <paramref name="numbered"/> adds <see cref="RowColumn"/>.</summary>
    public Task CreateAsync(NpgsqlConnection connection, bool numbered, CancellationToken cancellationToken) =>
        ExecuteAsync(
            connection,
            $"CREATE TEMP TABLE {Table} (LIKE {mirror.Sql}) ON COMMIT DROP" + (numbered ? $"; ALTER TABLE {Table} ADD COLUMN {RowColumn} bigint NOT NULL" : ""),
            [],
            cancellationToken);

    /// <summary>
    /// The source's condition that a row comes after <paramref name="order"/>'s values set by <see cref="CopyAsync"/>:
    /// COPY takes no parameters, so they go in as settings of the source's transaction, read back typed.
    /// </summary>
    public static string After(IReadOnlyList<ColumnShape> order) =>
        $"({string.Join(", ", order.Select(static c => c.Sql()))}) > ({string.Join(", ", order.Select(static (c, i) => $"current_setting('orleanssync.after_{i}')::{c.Type}"))})";

    /// <summary>
    /// Streams <paramref name="copySql"/> (a <c>COPY (SELECT ...) TO STDOUT (FORMAT binary)</c> of the source, inside a
    /// transaction of <paramref name="sourceConnection"/>) into <paramref name="columns"/> of the stage (or of
    /// <paramref name="into"/>, a table of ours), first setting <paramref name="after"/> for <see cref="After"/>. Source
    /// failures are the source's.
    /// </summary>
    public async Task CopyAsync(
        NpgsqlConnection sourceConnection, NpgsqlConnection connection, string copySql, string columns, IReadOnlyList<string>? after, CancellationToken cancellationToken, string into = Table)
    {
        NpgsqlRawCopyStream reader;
        try
        {
            if (after is not null)
            {
                var set = string.Join(", ", after.Select(static (_, i) => $"set_config('orleanssync.after_{i}', @a{i}, true)"));
                await ExecuteAsync(sourceConnection, $"SELECT {set}", [.. Bounds("a", after)], cancellationToken);
            }

            reader = await sourceConnection.BeginRawBinaryCopyAsync(copySql, cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw new PostgresSourceException($"Reading source table {source.Table} failed: {PostgresSourceConnection.Describe(e)}.");
        }

        await using (reader)
        {
            await using var writer = await connection.BeginRawBinaryCopyAsync($"COPY {into} ({columns}) FROM STDIN (FORMAT binary)", cancellationToken);
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

    public async Task<int> CountAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {Table}", connection);
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Inserts new rows and updates changed ones (compared as text: exact, and every type has a text form); RETURNING tells which.</summary>
    public async Task<(int Inserted, int Updated)> UpsertAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var others = source.Columns.Where(c => source.Key.All(k => k.Name != c.Name)).ToList();
        var onConflict = others.Count == 0
            ? "DO NOTHING"
            : $"DO UPDATE SET {string.Join(", ", others.Select(static c => $"{c.Sql()} = excluded.{c.Sql()}"))} WHERE m::text IS DISTINCT FROM excluded::text";
        var sql = $"INSERT INTO {mirror.Sql} AS m ({source.ColumnList()}) SELECT {source.ColumnList()} FROM {Table} ON CONFLICT ({source.KeyList()}) {onConflict} RETURNING (xmax = 0)";
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

    /// <summary>Writes the chunk's checkpoint in its transaction and commits both.</summary>
    /// <exception cref="StaleCheckpointException">Another activation of the task moved the checkpoint on: nothing commits.</exception>
    public static async Task CommitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Checkpoint checkpoint, PageWriteResult result, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await CheckpointTable.WriteAsync(connection, transaction, checkpoint, result, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Text parameters <c>@{prefix}0</c>, <c>@{prefix}1</c>, … holding a position's values.</summary>
    public static IEnumerable<NpgsqlParameter> Bounds(string prefix, IReadOnlyList<string>? values) =>
        values is null ? [] : values.Select((value, i) => new NpgsqlParameter($"{prefix}{i}", NpgsqlTypes.NpgsqlDbType.Text) { Value = value });

    public static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, IReadOnlyList<NpgsqlParameter> parameters, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
