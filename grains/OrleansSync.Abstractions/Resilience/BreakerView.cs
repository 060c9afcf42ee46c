namespace OrleansSync.Resilience;

/// <summary>A circuit breaker as <c>task show</c>, <c>project show</c> and their <c>--json</c> show it.</summary>
/// <param name="Phase">Closed, open or half-open.</param>
/// <param name="ConsecutiveFailures">Failures since the last success: what opens it at <paramref name="Threshold"/>.</param>
/// <param name="Threshold">Consecutive failures that open it.</param>
/// <param name="OpenedAt">When it last opened; null while closed.</param>
/// <param name="NextProbeAt">When it lets a probe through; null while closed.</param>
/// <param name="Trips">How many times it opened since the task or project began.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.Resilience.BreakerView")]
public sealed record class BreakerView(
    [property: Id(0)] BreakerPhase Phase,
    [property: Id(1)] int ConsecutiveFailures,
    [property: Id(2)] int Threshold,
    [property: Id(3)] DateTimeOffset? OpenedAt,
    [property: Id(4)] DateTimeOffset? NextProbeAt,
    [property: Id(5)] int Trips);
