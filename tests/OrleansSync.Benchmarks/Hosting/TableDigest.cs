using Npgsql;

namespace OrleansSync.Benchmarks.Hosting;

/// <summary>An md5 of every row's text in key order: equal on a source and its mirror when the mirror is exact.</summary>
public static class TableDigest
{
    /// <param name="connectionString">The database.</param>
    /// <param name="table">The table, as SQL names it (only the benchmarks' own names).</param>
    /// <param name="columns">The columns compared, in order, the key first (listed, so a mirror's extra column does not count).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public static async Task<string> Md5Async(string connectionString, string table, IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT coalesce(md5(string_agg(({string.Join(", ", columns)})::text, E'\\n' ORDER BY {columns[0]})), '') FROM {table}",
            connection) { CommandTimeout = 600 };
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
