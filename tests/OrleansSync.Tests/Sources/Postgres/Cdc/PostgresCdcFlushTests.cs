using System.Diagnostics;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sources.Postgres.Cdc;

/// <summary>
/// A source that never pauses as long as the flush delay, in transactions too small to fill a batch: its changes land
/// within about the delay of their arrival, while it goes on, rather than once it pauses or a batch fills.
/// </summary>
[Collection(SlowFlushCdcCollection.Name)]
public sealed class PostgresCdcFlushTests(SlowFlushCdcFixture fixture)
{
    private static readonly TimeSpan Writing = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Cdc_SourceCommitsMoreOftenThanTheFlushDelay_ChangesLandWhileItGoesOn()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = await SourceDatabase.CreateOnAsync(fixture.Server, ct);
        await source.ExecuteAsync("CREATE TABLE public.steady (id integer PRIMARY KEY, note text)", ct);
        var (project, schema) = await PostgresCdcTests.AddAsync(fixture, source, "public.steady", ct);
        try
        {
            await PostgresCdcTests.StartStreamingAsync(fixture, project, ["public.steady"], ct);

            // One row a transaction about every 25 ms, far more often than the 3 s delay; 20 s of them, 800 rows at most,
            // never a batch (5,000). Writing stops as soon as the mirror holds a row.
            var clock = Stopwatch.StartNew();
            var (written, landed) = (0, 0L);
            while (landed == 0 && clock.Elapsed < Writing)
            {
                await source.ExecuteAsync($"INSERT INTO public.steady VALUES ({++written}, 'row {written}')", ct);
                landed = await fixture.Cluster.Database.ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".steady", ct);
                await Task.Delay(TimeSpan.FromMilliseconds(25), ct);
            }

            Assert.True(landed > 0, $"nothing of {written} rows committed over {Writing.TotalSeconds:0} s landed while the source went on");
        }
        finally
        {
            await PostgresCdcTests.EndAsync(fixture, project);
        }
    }
}

/// <summary><see cref="PostgresCdcFixture"/> with a 3 s flush delay: longer than any pause of a writer committing every 25 ms.</summary>
public sealed class SlowFlushCdcFixture : PostgresCdcFixture
{
    public const string FlushDelay = "00:00:03";

    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?>(base.Settings) { ["OrleansSync:Postgres:Cdc:FlushDelay"] = FlushDelay };
}

[CollectionDefinition(Name)]
public sealed class SlowFlushCdcCollection : ICollectionFixture<SlowFlushCdcFixture>
{
    public const string Name = "postgres cdc cluster, slow flush";
}
