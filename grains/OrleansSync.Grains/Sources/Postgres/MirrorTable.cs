using Npgsql;

namespace OrleansSync.Sources.Postgres;

/// <summary>
/// A source table's mirror in the cluster's database: same name, in the project's target schema, with the source's
/// columns, exact types and primary key. Made when missing; when present it must match the source.
/// </summary>
internal static class MirrorTable
{
    // One DDL at a time across the cluster: tasks of one project make its schema at once, and CREATE SCHEMA IF NOT
    // EXISTS is not safe against a concurrent twin.
    internal const string DdlLockSql = "SELECT pg_advisory_xact_lock(hashtext('orleanssync:postgres-mirror-ddl'))";

    public static TableName Of(string targetSchema, TableName source) => new(targetSchema, source.Name);

    /// <summary>Makes the mirror of <paramref name="source"/> in <paramref name="targetSchema"/>, or checks the one there.</summary>
    /// <exception cref="PostgresSourceException">The mirror there differs from the source.</exception>
    public static async Task<TableShape> EnsureAsync(NpgsqlDataSource target, string targetSchema, TableShape source, CancellationToken cancellationToken)
    {
        var mirror = Of(targetSchema, source.Table);
        await using var connection = await target.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockDdl = new NpgsqlCommand(DdlLockSql, connection, transaction))
        {
            await lockDdl.ExecuteNonQueryAsync(cancellationToken);
        }

        if (await SourceCatalog.ReadAsync(connection, mirror, "The mirror", cancellationToken) is { } existing)
        {
            Check(existing, source);
            return existing;
        }

        CheckOrdering(source, await SourceCatalog.DefaultOrderingAsync(connection, cancellationToken), mirror);
        await using (var create = new NpgsqlCommand(CreateSql(mirror, source), connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return source with { Table = mirror };
    }

    /// <summary>Checks the mirror of <paramref name="source"/> when there is one (at <c>project add</c>: nothing is made then).</summary>
    public static async Task CheckAsync(NpgsqlDataSource target, string targetSchema, TableShape source, CancellationToken cancellationToken)
    {
        await using var connection = await target.OpenConnectionAsync(cancellationToken);
        if (await SourceCatalog.ReadAsync(connection, Of(targetSchema, source.Table), "The mirror", cancellationToken) is { } existing)
        {
            Check(existing, source);
        }
        else
        {
            CheckOrdering(source, await SourceCatalog.DefaultOrderingAsync(connection, cancellationToken), Of(targetSchema, source.Table));
        }
    }

    /// <summary>
    /// A snapshot reads in key order on the source and bounds each chunk by key in the mirror: both must sort the key
    /// the same way, or a chunk's range would cover other rows than it read. A new mirror's text columns take the
    /// cluster database's default collation.
    /// </summary>
    private static void CheckOrdering(TableShape source, string targetDefault, TableName mirror)
    {
        foreach (var key in source.Key.Where(k => k.Ordering is not null && k.Ordering != targetDefault))
        {
            throw new PostgresSourceException(
                $"Primary key column {SqlIdentifier.Display(key.Name)} of source table {source.Table} sorts text by collation {key.Ordering} (provider:collate:locale), but the mirror {mirror} would sort it by the cluster database's {targetDefault}: a snapshot reads in key order and needs both to agree. Leave the table out, or mirror it into a database whose default collation matches.");
        }
    }

    /// <exception cref="PostgresSourceException">A column missing on either side, of another type, or another primary key.</exception>
    public static void Check(TableShape mirror, TableShape source)
    {
        var fix = $"drop the mirror table {mirror.Table} (or fix it to match the source) and sync again";
        foreach (var column in source.Columns)
        {
            var twin = mirror.Columns.FirstOrDefault(c => c.Name == column.Name)
                ?? throw new PostgresSourceException($"The mirror table {mirror.Table} has no column {SqlIdentifier.Display(column.Name)}, which source table {source.Table} has: {fix}.");
            if (twin.Type != column.Type)
            {
                throw new PostgresSourceException(
                    $"Column {SqlIdentifier.Display(column.Name)} of the mirror table {mirror.Table} is {twin.Type}, but {column.Type} in source table {source.Table}: {fix}.");
            }
        }

        if (mirror.Columns.FirstOrDefault(c => source.Columns.All(s => s.Name != c.Name)) is { } extra)
        {
            throw new PostgresSourceException($"The mirror table {mirror.Table} has a column {SqlIdentifier.Display(extra.Name)} that source table {source.Table} lacks: {fix}.");
        }

        foreach (var key in source.Key.Where(k => mirror.Columns.Single(c => c.Name == k.Name).Ordering != k.Ordering))
        {
            throw new PostgresSourceException(
                $"Primary key column {SqlIdentifier.Display(key.Name)} of the mirror table {mirror.Table} sorts text by collation {mirror.Columns.Single(c => c.Name == key.Name).Ordering}, but by {key.Ordering} in source table {source.Table} (provider:collate:locale): a snapshot needs both to agree; {fix}.");
        }

        if (!mirror.Key.Select(static c => c.Name).SequenceEqual(source.Key.Select(static c => c.Name)))
        {
            throw new PostgresSourceException(
                $"The mirror table {mirror.Table}'s primary key ({string.Join(", ", mirror.Key.Select(c => SqlIdentifier.Display(c.Name)))}) differs from source table {source.Table}'s ({string.Join(", ", source.Key.Select(c => SqlIdentifier.Display(c.Name)))}): {fix}.");
        }
    }

    // Types are the catalog's own text (format_type of built-in types only, see SourceCatalog); names are quoted.
    private static string CreateSql(TableName mirror, TableShape source) =>
        $"CREATE SCHEMA IF NOT EXISTS {SqlIdentifier.Quote(mirror.Schema)};\n" +
        $"CREATE TABLE {mirror.Sql} ({string.Join(", ", source.Columns.Select(static c => $"{c.Sql()} {c.Type}{(c.NotNull ? " NOT NULL" : "")}"))}, PRIMARY KEY ({source.KeyList()}))";
}
