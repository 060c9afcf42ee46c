namespace OrleansSync.Resilience;

/// <summary>A circuit breaker's persisted state, held in its owner's grain state. <see cref="CircuitBreaker"/> moves it.</summary>
[GenerateSerializer, Alias("OrleansSync.Resilience.BreakerState")]
public sealed class BreakerState
{
    [Id(0)]
    public BreakerPhase Phase { get; set; }

    /// <summary>Failures since the last success.</summary>
    [Id(1)]
    public int ConsecutiveFailures { get; set; }

    [Id(2)]
    public DateTimeOffset? OpenedAt { get; set; }

    [Id(3)]
    public DateTimeOffset? NextProbeAt { get; set; }

    /// <summary>How long it stays open this time: the first open time, doubled by every failed probe, capped.</summary>
    [Id(4)]
    public TimeSpan OpenFor { get; set; }

    [Id(5)]
    public int Trips { get; set; }

    /// <summary>When it first opened without a success since: how long the owner has been failing.</summary>
    [Id(6)]
    public DateTimeOffset? FailingSince { get; set; }

    /// <summary>A copy to move without touching this one (<see cref="CircuitBreaker"/> moves a state in place).</summary>
    public BreakerState Copy() => (BreakerState)MemberwiseClone();
}
