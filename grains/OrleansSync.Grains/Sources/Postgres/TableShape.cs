namespace OrleansSync.Sources.Postgres;

/// <summary>A table's columns (in order) and primary key, as the catalog gives them.</summary>
/// <param name="Table">The table.</param>
/// <param name="Columns">Every column that is not dropped, in the table's order.</param>
/// <param name="Key">The primary key's columns, in the key's order.</param>
public sealed record class TableShape(TableName Table, IReadOnlyList<ColumnShape> Columns, IReadOnlyList<ColumnShape> Key)
{
    /// <summary>The columns for SQL, quoted, comma-separated, with an optional table alias before each.</summary>
    public string ColumnList(string? alias = null) => string.Join(", ", Columns.Select(c => c.Sql(alias)));

    public string KeyList(string? alias = null) => string.Join(", ", Key.Select(c => c.Sql(alias)));
}

/// <summary>One column.</summary>
/// <param name="Name">Its name, as stored.</param>
/// <param name="Type">Its type exactly as <c>format_type</c> gives it (<c>numeric(12,2)</c>, <c>timestamp with time zone</c>, <c>text[]</c>).</param>
/// <param name="NotNull">Whether it refuses NULLs.</param>
/// <param name="Ordering">
/// How it sorts, for a collatable type: its collation's provider, collate and locale (<c>c:C.UTF-8:</c>), the
/// database's default resolved; null for a type without collation.
/// </param>
public sealed record class ColumnShape(string Name, string Type, bool NotNull, string? Ordering = null)
{
    public string Sql(string? alias = null) => alias is null ? SqlIdentifier.Quote(Name) : $"{alias}.{SqlIdentifier.Quote(Name)}";
}
