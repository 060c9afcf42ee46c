using System.Diagnostics;
using Npgsql;
using OrleansSync.Benchmarks.Hosting;

namespace OrleansSync.Benchmarks.PgSnapshot;

/// <summary>
/// The bound of <c>pg-snapshot</c>: the source table copied with nothing in between, binary COPY out of the source
/// piped as it is read into binary COPY in to an empty table of the same shape in the target database.
/// </summary>
public static class RawTableCopy
{
    public static async Task<TimeSpan> RunAsync(BenchmarkDatabase source, BenchmarkDatabase target, CancellationToken cancellationToken)
    {
        await using var from = new NpgsqlConnection(source.ConnectionString);
        await using var to = new NpgsqlConnection(target.ConnectionString);
        await from.OpenAsync(cancellationToken);
        await to.OpenAsync(cancellationToken);
        await using (var create = new NpgsqlCommand($"CREATE SCHEMA bench_copy; CREATE TABLE bench_copy.items {SourceTable.Columns}", to))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var clock = Stopwatch.StartNew();
        await using var transaction = await to.BeginTransactionAsync(cancellationToken);
        await using (var reader = await from.BeginRawBinaryCopyAsync($"COPY {SourceTable.Name} TO STDOUT (FORMAT BINARY)", cancellationToken))
        await using (var writer = await to.BeginRawBinaryCopyAsync("COPY bench_copy.items FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            await reader.CopyToAsync(writer, 1 << 16, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return clock.Elapsed;
    }
}
