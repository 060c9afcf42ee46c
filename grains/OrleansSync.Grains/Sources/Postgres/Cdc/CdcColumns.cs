using Npgsql;
using NpgsqlTypes;

namespace OrleansSync.Sources.Postgres.Cdc;

/// <summary>
/// Follows the source table's columns while a capture streams. pgoutput sends a relation message with the table's
/// columns before the first change that uses a new list: a column added on the source is added to the mirror (the rows
/// that existed read NULL on both sides), and the changes go on with the new list; a list older than the catalog (a
/// replay from the checkpoint after a column was added) is applied as it is. A column dropped or renamed on the source,
/// or added with a default (which the source gives its existing rows without writing WAL), makes the task wait, naming
/// the table and column.
/// </summary>
internal static class CdcColumns
{
    private const string DefaultsSql = """
        SELECT a.attname::text
        FROM pg_attribute AS a
        JOIN pg_class AS c ON c.oid = a.attrelid
        JOIN pg_namespace AS n ON n.oid = c.relnamespace
        WHERE n.nspname = @schema AND c.relname = @table AND a.attname::text = ANY(@names) AND (a.atthasdef OR a.atthasmissing)
        ORDER BY a.attnum
        """;

    /// <summary>
    /// The shape changes of <paramref name="source"/>'s table now arrive in, as the relation message lists its columns
    /// (<paramref name="columns"/>), with the mirror holding every column the source has.
    /// </summary>
    /// <exception cref="PostgresSourceException">A column dropped, renamed or added with a default, named.</exception>
    public static async Task<TableShape> FollowAsync(
        PostgresSourceConnection source, NpgsqlDataSource target, string schema, TableShape current, IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenAsync(cancellationToken);
        var now = await SnapshotRunner.ReadShapeAsync(connection, current.Table, source.Variable, cancellationToken);
        var dropped = current.Columns.Select(static c => c.Name).Concat(columns).FirstOrDefault(name => now.Columns.All(c => c.Name != name));
        if (dropped is not null)
        {
            throw new PostgresSourceException(
                $"Column {SqlIdentifier.Display(dropped)} of source table {current.Table} was dropped or renamed: change capture waits; make the mirror table's columns match the source's (drop or rename it there too), then it goes on.");
        }

        await AddMissingAsync(connection, target, schema, now, cancellationToken);
        return now with { Columns = [.. columns.Select(name => now.Columns.Single(c => c.Name == name))] };
    }

    /// <summary>Adds to the mirror the columns of <paramref name="source"/> it lacks; a mirror not made yet is left to <see cref="MirrorTable.EnsureAsync"/>.</summary>
    public static async Task AddMissingAsync(NpgsqlConnection sourceConnection, NpgsqlDataSource target, string schema, TableShape source, CancellationToken cancellationToken)
    {
        var mirror = MirrorTable.Of(schema, source.Table);
        await using var connection = await target.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockDdl = new NpgsqlCommand(MirrorTable.DdlLockSql, connection, transaction))
        {
            await lockDdl.ExecuteNonQueryAsync(cancellationToken);
        }

        if (await SourceCatalog.ReadAsync(connection, mirror, "The mirror", cancellationToken) is not { } existing)
        {
            return;
        }

        var missing = source.Columns.Where(c => existing.Columns.All(m => m.Name != c.Name)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        if (await DefaultedAsync(sourceConnection, source.Table, missing, cancellationToken) is { } defaulted)
        {
            throw new PostgresSourceException(
                $"Column {SqlIdentifier.Display(defaulted)} was added to source table {source.Table} with a default, which the source gives the rows that existed without writing WAL, so change capture cannot learn their values: it waits. Add the column to the mirror table {mirror} yourself with the values those rows hold (ALTER TABLE {mirror.Sql} ADD COLUMN ... with the same default), then it goes on.");
        }

        // Types are the catalog's own text (see SourceCatalog); names are quoted. No NOT NULL: the rows that existed
        // are NULL in the new column, as on the source.
        var ddl = string.Join(", ", missing.Select(static c => $"ADD COLUMN IF NOT EXISTS {c.Sql()} {c.Type}"));
        await using (var alter = new NpgsqlCommand($"ALTER TABLE {mirror.Sql} {ddl}", connection, transaction))
        {
            await alter.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<string?> DefaultedAsync(NpgsqlConnection source, TableName table, IReadOnlyList<ColumnShape> columns, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand(DefaultsSql, source);
            command.Parameters.Add(new NpgsqlParameter("schema", NpgsqlDbType.Text) { Value = table.Schema });
            command.Parameters.Add(new NpgsqlParameter("table", NpgsqlDbType.Text) { Value = table.Name });
            command.Parameters.Add(new NpgsqlParameter("names", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = columns.Select(static c => c.Name).ToArray() });
            return await command.ExecuteScalarAsync(cancellationToken) as string;
        }
        catch (NpgsqlException e)
        {
            throw new PostgresSourceException($"Reading the new columns of source table {table} failed: {PostgresSourceConnection.Describe(e)}.");
        }
    }
}
