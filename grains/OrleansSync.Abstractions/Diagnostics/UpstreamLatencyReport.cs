namespace OrleansSync.Diagnostics;

/// <summary>One silo's upstream latency, per endpoint it has called.</summary>
/// <param name="Silo">The answering silo's address, as Orleans prints it: the caller checks it is the silo it asked.</param>
/// <param name="SiloName">The answering silo's configured name.</param>
/// <param name="Endpoints">By endpoint name, in ordinal order.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.Diagnostics.UpstreamLatencyReport")]
public sealed record class UpstreamLatencyReport(
    [property: Id(0)] string Silo,
    [property: Id(1)] string SiloName,
    [property: Id(2)] IReadOnlyList<EndpointLatency> Endpoints);
