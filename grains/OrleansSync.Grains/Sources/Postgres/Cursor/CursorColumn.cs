using Npgsql;

namespace OrleansSync.Sources.Postgres.Cursor;

/// <summary>
/// The column a cursor-mode project reads each table by (<c>--cursor-column</c>): it must grow with each insert and
/// update, and the source must order it (with the primary key as tie-breaker, a row comparison).
/// </summary>
internal static class CursorColumn
{
    private const string Flag = "--cursor-column";

    /// <summary>The cursor column of a project in <paramref name="mode"/>, as SQL names it; null outside cursor mode.</summary>
    /// <exception cref="InvalidRequestException">Cursor mode without it, another mode with it, or not a column name.</exception>
    public static string? Normalise(string mode, string? column, IReadOnlyList<string> tables)
    {
        if (mode != PostgresModes.Cursor)
        {
            return string.IsNullOrEmpty(column)
                ? null
                : throw new InvalidRequestException($"{Flag} {column} is a setting of --mode cursor, but the project's mode is {mode}: give --mode cursor, or leave {Flag} out.");
        }

        if (string.IsNullOrWhiteSpace(column))
        {
            throw new InvalidRequestException(
                $"--mode cursor needs {Flag}: name the column of {string.Join(", ", tables)} whose value grows with each insert and update, e.g. {Flag} updated_at.");
        }

        return SqlIdentifier.Display(TableName.ParseColumn(column, Flag));
    }

    /// <summary>The cursor column of <paramref name="table"/>.</summary>
    /// <exception cref="PostgresSourceException">The table has no such column, or it is an array.</exception>
    public static ColumnShape Find(TableShape table, string column, string variable)
    {
        var name = TableName.ParseColumn(column, Flag);
        var found = table.Columns.FirstOrDefault(c => c.Name == name)
            ?? throw new PostgresSourceException(
                $"Source table {table.Table} (--tables) has no column {column} ({Flag}) in the source database of {variable}: give a column every listed table has, quoting mixed-case names (\"Updated At\"), or mirror the table in another project.");
        return found.Type.EndsWith("[]", StringComparison.Ordinal)
            ? throw new PostgresSourceException(NotOrderable(table, found, "an array"))
            : found;
    }

    /// <summary>The order rows are read in: the cursor, then the primary key's other columns as tie-breaker.</summary>
    public static IReadOnlyList<ColumnShape> Order(TableShape table, ColumnShape cursor) =>
        [cursor, .. table.Key.Where(k => k.Name != cursor.Name)];

    /// <summary>
    /// The source can compare and sort (cursor, key) rows: PostgreSQL resolves the operators when it plans the read's
    /// own shape, so a type without a btree ordering (json, xml, point, box…) is refused the way a run would fail.
    /// </summary>
    /// <exception cref="PostgresSourceException">The column's type cannot order.</exception>
    public static async Task CheckOrderableAsync(NpgsqlConnection source, TableShape table, ColumnShape cursor, CancellationToken cancellationToken)
    {
        var order = Order(table, cursor);
        var columns = string.Join(", ", order.Select(static c => c.Sql()));
        await using var command = new NpgsqlCommand($"SELECT 1 FROM {table.Table.Sql} WHERE ({columns}) > ({columns}) ORDER BY {columns} LIMIT 0", source);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedFunction or PostgresErrorCodes.FeatureNotSupported)
        {
            throw new PostgresSourceException(NotOrderable(table, cursor, "a type PostgreSQL cannot order"));
        }
        catch (NpgsqlException e)
        {
            throw new PostgresSourceException($"Checking cursor column {SqlIdentifier.Display(cursor.Name)} of source table {table.Table} failed: {PostgresSourceConnection.Describe(e)}.");
        }
    }

    private static string NotOrderable(TableShape table, ColumnShape cursor, string what) =>
        $"Cursor column {SqlIdentifier.Display(cursor.Name)} ({Flag}) of source table {table.Table} is of type {cursor.Type}, {what}: a cursor reads rows in the column's order. Give a column that grows with each insert and update (a timestamp, a number, text), or use --mode snapshot.";
}
