using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OrleansSync.Telemetry;

namespace OrleansSync.Diagnostics;

/// <summary>
/// How long upstream takes to answer each attempt of each kind of call (time to the response headers; a body is read
/// later, under its own timeout): the histogram <see cref="InstrumentName"/> on /metrics, by endpoint and outcome, and
/// beside it a <see cref="LatencyWindow"/> per endpoint for this silo's live p50/p95/p99 (<c>cluster</c> shows them).
/// </summary>
public sealed class UpstreamLatency
{
    public const string InstrumentName = "orleanssync.upstream.duration";

    /// <summary>
    /// Seconds, 1, 1.5, 2.5, 3.5, 5 and 7.5 a decade from 5 ms to 60 s (the longest attempt the pipeline allows is 30 s by
    /// default): each bound 1.2 to 1.7 times the one before, so a quantile Prometheus interpolates from them is never
    /// off by more than that factor.
    /// The SDK's default buckets (0, 5, 10, 25 … 10,000) are sized for milliseconds and put every call under 5 s in one.
    /// </summary>
    public static IReadOnlyList<double> BucketBoundaries { get; } =
    [
        0.005, 0.0075, 0.01, 0.015, 0.025, 0.035, 0.05, 0.075, 0.1, 0.15, 0.25, 0.35, 0.5, 0.75,
        1, 1.5, 2.5, 3.5, 5, 7.5, 10, 15, 25, 35, 50, 60,
    ];

    private readonly Histogram<double> _duration;

    // Keyed by endpoint name, one of a fixed few: memory stays bounded.
    private readonly ConcurrentDictionary<string, LatencyWindow> _windows = new(StringComparer.Ordinal);

    public UpstreamLatency(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(SyncMetrics.MeterName);
        _duration = meter.CreateHistogram(
            InstrumentName,
            "s",
            "Upstream HTTP attempts, retries and token requests included, by endpoint and outcome (2xx, 429, 4xx, 5xx, error): time to the response headers.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = BucketBoundaries });
    }

    /// <param name="endpoint">A name from a fixed set, never an id: it becomes a metric label.</param>
    /// <param name="outcome">The status class, <c>429</c>, or <c>error</c> when no answer came.</param>
    /// <param name="elapsed">From sending the request to the response headers (or to the failure).</param>
    public void Record(string endpoint, string outcome, TimeSpan elapsed)
    {
        _duration.Record(elapsed.TotalSeconds, new("endpoint", endpoint), new("outcome", outcome));
        _windows.GetOrAdd(endpoint, static _ => new LatencyWindow()).Add(elapsed);
    }

    /// <summary>Each endpoint this silo has called, with its percentiles over its recent attempts, in milliseconds.</summary>
    public IReadOnlyList<EndpointLatency> Snapshot() =>
        // A List, not a collection expression: the grain call serializes it, and Orleans knows List<T>, not the
        // compiler's synthesized read-only type.
        _windows
            .OrderBy(static w => w.Key, StringComparer.Ordinal)
            .Select(static w => (w.Key, Percentiles: w.Value.Snapshot()))
            .Select(static w => new EndpointLatency(w.Key, w.Percentiles.Count, w.Percentiles.Window, w.Percentiles.P50, w.Percentiles.P95, w.Percentiles.P99))
            .ToList();
}
