using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Npgsql;
using OrleansSync.Sources.Acc.Mirror;

namespace OrleansSync.Benchmarks.Micro;

/// <summary>
/// The mirror writer's CPU per page of reviews: validating and mapping the records (<c>ReviewRecords.Map</c>, through
/// <c>PageMapper</c>, rows ordered by identity as the writer takes them) and building the set-based upsert
/// (<c>ReviewTable.Upsert</c>: one typed array parameter per column).
/// </summary>
[MemoryDiagnoser]
public class MirrorBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    private JsonElement[] _records = [];
    private IReadOnlyList<ReviewRow> _rows = [];

    [GlobalSetup]
    public void Setup()
    {
        _records = ReviewPage.LoadAsync(seed: 12, CancellationToken.None).GetAwaiter().GetResult();
        _rows = ReviewRecords.Map(_records).Rows;
        if (_rows.Count != ReviewPage.Size)
        {
            throw new InvalidOperationException($"the page mapped to {_rows.Count} rows, not {ReviewPage.Size}: the emulator's records no longer map cleanly");
        }
    }

    [Benchmark]
    public int MapReviewPage()
    {
        var page = ReviewRecords.Map(_records);
        return page.Rows.Count + page.DeadLetters.Count;
    }

    [Benchmark]
    public NpgsqlBatchCommand BuildReviewUpsert() => ReviewTable.Upsert("bench-project", _rows, Now);
}
