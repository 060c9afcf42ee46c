using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansSync.Diagnostics;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Latency;

/// <summary>The per-endpoint percentile estimator behind <c>cluster</c>'s latency, with known samples.</summary>
[Collection(RunsAloneCollection.Name)]
public sealed class LatencyWindowTests
{
    [Fact]
    public void Snapshot_OneToHundredMilliseconds_NearestRankPercentiles()
    {
        var window = new LatencyWindow();
        foreach (var ms in Enumerable.Range(1, 100).OrderBy(static ms => (ms * 37) % 101))
        {
            window.Add(TimeSpan.FromMilliseconds(ms));
        }

        Assert.Equal(new LatencyWindow.Percentiles(100, 100, 50, 95, 99), window.Snapshot());
    }

    [Fact]
    public void Snapshot_MoreSamplesThanCapacity_CoversTheMostRecentOnly()
    {
        var window = new LatencyWindow(capacity: 10);
        foreach (var ms in Enumerable.Repeat(5_000, 90).Concat(Enumerable.Range(1, 10)))
        {
            window.Add(TimeSpan.FromMilliseconds(ms));
        }

        Assert.Equal(new LatencyWindow.Percentiles(100, 10, 5, 10, 10), window.Snapshot());
    }

    [Fact]
    public void Snapshot_NoSamples_ZeroPercentiles() =>
        Assert.Equal(new LatencyWindow.Percentiles(0, 0, 0, 0, 0), new LatencyWindow().Snapshot());

    [Theory]
    [InlineData(0.5, 1)]
    [InlineData(0.51, 2)]
    [InlineData(0.99, 2)]
    [InlineData(0.0, 1)]
    [InlineData(1.0, 2)]
    public void Percentile_TwoSamples_NearestRank(double quantile, double expected) =>
        Assert.Equal(expected, LatencyWindow.Percentile([1, 2], quantile));

    [Fact]
    public void Record_TwoEndpoints_SnapshotPerEndpointInOrdinalOrderWithAdvisedBuckets()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        IReadOnlyList<double>? advised = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument is Histogram<double> { Name: UpstreamLatency.InstrumentName } histogram)
                {
                    advised = histogram.Advice?.HistogramBucketBoundaries;
                }
            },
        };
        listener.Start();
        var latency = new UpstreamLatency(services.GetRequiredService<IMeterFactory>());

        latency.Record("reviews", "2xx", TimeSpan.FromMilliseconds(120));
        latency.Record("reviews", "429", TimeSpan.FromMilliseconds(20));
        latency.Record("token", "2xx", TimeSpan.FromMilliseconds(300));

        Assert.Equal(
            [new EndpointLatency("reviews", 2, 2, 20, 120, 120), new EndpointLatency("token", 1, 1, 300, 300, 300)],
            latency.Snapshot());
        Assert.Equal(UpstreamLatency.BucketBoundaries, advised);
        Assert.Equal(UpstreamLatency.BucketBoundaries.Order(), UpstreamLatency.BucketBoundaries);
        Assert.Equal(UpstreamLatency.BucketBoundaries.Count, UpstreamLatency.BucketBoundaries.Distinct().Count());
    }
}
