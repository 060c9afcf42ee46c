using Npgsql;
using NpgsqlTypes;

namespace OrleansSync.Sources.Postgres;

/// <summary>
/// Reads a table's shape from a database's catalog: the source's, to copy it, and the cluster's, to check a mirror
/// table against it. Names go in as parameters, never into the SQL.
/// </summary>
internal static class SourceCatalog
{
    private const string TableSql = """
        SELECT c.oid, c.relkind::text
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = @schema AND c.relname = @name
        """;

    // The database's default collation as a column's ordering (see ColumnShape.Ordering); the locale column's name
    // changed in PostgreSQL 17, so it is read by name from the row.
    private const string DefaultOrdering = """
        SELECT d.datlocprovider::text || ':' || d.datcollate || ':' || COALESCE(to_jsonb(d)->>'daticulocale', to_jsonb(d)->>'datlocale', '')
          FROM pg_database d WHERE d.datname = current_database()
        """;

    // builtin: the type (an array's element type) is PostgreSQL's own, the same in every database; a type of the
    // source's own (an enum, a domain, a composite) has no twin in the cluster's database, and its binary form names
    // type oids that differ between databases. reg* types hold oids of the source's catalog: meaningless elsewhere.
    private const string ColumnsSql = $$"""
        SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               COALESCE(e.typnamespace, t.typnamespace) = 'pg_catalog'::regnamespace
                 AND COALESCE(e.typname, t.typname) NOT LIKE 'reg%' AS builtin,
               CASE a.attcollation
                 WHEN 0 THEN NULL
                 WHEN 100 THEN ({{DefaultOrdering}})
                 ELSE (SELECT c.collprovider::text || ':' || COALESCE(c.collcollate, '') || ':' || COALESCE(to_jsonb(c)->>'colliculocale', to_jsonb(c)->>'colllocale', '')
                         FROM pg_collation c WHERE c.oid = a.attcollation)
               END
          FROM pg_attribute a
          JOIN pg_type t ON t.oid = a.atttypid
          LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
         WHERE a.attrelid = @oid AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY a.attnum
        """;

    private const string KeySql = """
        SELECT a.attname::text
          FROM pg_index i
          CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
         WHERE i.indrelid = @oid AND i.indisprimary
         ORDER BY k.ord
        """;

    /// <summary>How the database sorts text by default, as <see cref="ColumnShape.Ordering"/> gives it.</summary>
    public static async Task<string> DefaultOrderingAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(DefaultOrdering, connection);
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The table's shape, or null when no table has that name.</summary>
    /// <exception cref="PostgresSourceException">It is not a table, or has no primary key, or a column of a type the mirror cannot hold.</exception>
    public static async Task<TableShape?> ReadAsync(NpgsqlConnection connection, TableName table, string where, CancellationToken cancellationToken)
    {
        uint oid;
        await using (var find = new NpgsqlCommand(TableSql, connection))
        {
            find.Parameters.Add(new NpgsqlParameter("schema", NpgsqlDbType.Text) { Value = table.Schema });
            find.Parameters.Add(new NpgsqlParameter("name", NpgsqlDbType.Text) { Value = table.Name });
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            oid = reader.GetFieldValue<uint>(0);
            if (reader.GetString(1) is not ("r" or "p"))
            {
                throw new PostgresSourceException($"{where}: {table} is not a table (a view, sequence or index): list tables only.");
            }
        }

        var columns = new List<ColumnShape>();
        await using (var read = new NpgsqlCommand(ColumnsSql, connection))
        {
            read.Parameters.Add(new NpgsqlParameter("oid", NpgsqlDbType.Oid) { Value = oid });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var column = new ColumnShape(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), await reader.IsDBNullAsync(4, cancellationToken) ? null : reader.GetString(4));
                if (!reader.GetBoolean(3))
                {
                    throw new PostgresSourceException(
                        $"{where}: column {SqlIdentifier.Display(column.Name)} of {table} is of type {column.Type}, which the mirror cannot hold (only PostgreSQL's built-in types, and arrays of them, can be mirrored): leave the table out, or change the column's type.");
                }

                columns.Add(column);
            }
        }

        var key = new List<ColumnShape>();
        await using (var read = new NpgsqlCommand(KeySql, connection))
        {
            read.Parameters.Add(new NpgsqlParameter("oid", NpgsqlDbType.Oid) { Value = oid });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(0);
                key.Add(columns.Single(c => c.Name == name));
            }
        }

        if (key.Count == 0)
        {
            throw new PostgresSourceException(
                $"{where}: {table} has no primary key, which a snapshot needs to read it in chunks and to merge it (updates and deletes): add one (ALTER TABLE {table} ADD PRIMARY KEY (...)), or leave the table out.");
        }

        return new TableShape(table, columns, key);
    }
}
