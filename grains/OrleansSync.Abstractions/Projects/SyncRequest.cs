namespace OrleansSync.Projects;

/// <summary>A request to sync a project now.</summary>
/// <param name="Streams">Streams to sync; null or empty for the project's configured streams.</param>
/// <param name="Full">Scan everything instead of from the high-water mark.</param>
/// <param name="Trigger">Who asked: <c>cli</c>, <c>http</c>, <c>schedule</c>.</param>
/// <param name="Force">Start even while the project's circuit breaker is open (the run is its probe).</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.Projects.SyncRequest")]
public sealed record class SyncRequest(
    [property: Id(0)] IReadOnlyList<string>? Streams,
    [property: Id(1)] bool Full,
    [property: Id(2)] string Trigger,
    [property: Id(3)] bool Force = false);
