namespace OrleansSync.Diagnostics;

/// <summary>How long one kind of upstream call took on one silo: every attempt, whatever its outcome.</summary>
/// <param name="Endpoint">The call's name, e.g. <c>reviews</c>, <c>review_versions</c>, <c>token</c>.</param>
/// <param name="Count">Attempts since the silo started.</param>
/// <param name="Window">The most recent attempts the percentiles were taken over.</param>
/// <param name="P50Ms">Median time to the response headers, in milliseconds.</param>
/// <param name="P95Ms">95th percentile, in milliseconds.</param>
/// <param name="P99Ms">99th percentile, in milliseconds.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.Diagnostics.EndpointLatency")]
public sealed record class EndpointLatency(
    [property: Id(0)] string Endpoint,
    [property: Id(1)] long Count,
    [property: Id(2)] int Window,
    [property: Id(3)] double P50Ms,
    [property: Id(4)] double P95Ms,
    [property: Id(5)] double P99Ms);
