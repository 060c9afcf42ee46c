using System.Diagnostics;
using Npgsql;
using OrleansSync.Benchmarks.Hosting;

namespace OrleansSync.Benchmarks.Ingest;

/// <summary>
/// The ingest bound: the rows a sync landed in the mirror tables, read back into memory, then written with a raw binary
/// COPY (Npgsql's <see cref="NpgsqlBinaryImporter"/>) into scratch tables shaped like the mirrors (every column,
/// <c>raw jsonb</c> included, with their primary keys), in the same database. Only the COPY is timed.
/// </summary>
public static class RawCopy
{
    public static readonly string[] Tables = ["acc.workflows", "acc.reviews", "acc.review_versions", "acc.review_progress"];

    private sealed record class TableRows(string Table, string[] Columns, string[] Types, List<object?[]> Rows);

    /// <returns>The rows copied and the time the COPY took, commits included.</returns>
    public static async Task<(long Rows, TimeSpan Elapsed)> RunAsync(BenchmarkDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "CREATE SCHEMA bench_copy", cancellationToken);
        var tables = new List<TableRows>();
        foreach (var table in Tables)
        {
            await ExecuteAsync(connection, $"CREATE TABLE bench_copy.{table[4..]} (LIKE {table} INCLUDING ALL)", cancellationToken);
            tables.Add(await ReadAsync(connection, table, cancellationToken));
        }

        var elapsed = Stopwatch.StartNew();
        foreach (var table in tables)
        {
            await using var writer = await connection.BeginBinaryImportAsync(
                $"COPY bench_copy.{table.Table[4..]} ({string.Join(", ", table.Columns)}) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var row in table.Rows)
            {
                await writer.StartRowAsync(cancellationToken);
                for (var i = 0; i < row.Length; i++)
                {
                    if (row[i] is { } value)
                    {
                        await writer.WriteAsync(value, table.Types[i], cancellationToken);
                    }
                    else
                    {
                        await writer.WriteNullAsync(cancellationToken);
                    }
                }
            }

            await writer.CompleteAsync(cancellationToken);
        }

        elapsed.Stop();
        return (tables.Sum(static t => (long)t.Rows.Count), elapsed.Elapsed);
    }

    private static async Task<TableRows> ReadAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT * FROM {table}", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        var types = Enumerable.Range(0, reader.FieldCount).Select(reader.GetDataTypeName).ToArray();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            rows.Add([.. values.Select(static v => v is DBNull ? null : v)]);
        }

        return new TableRows(table, columns, types, rows);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
