namespace OrleansSync.Resilience;

/// <summary>Where a circuit breaker is: letting calls through, refusing them, or letting one probe through.</summary>
[GenerateSerializer, Alias("OrleansSync.Resilience.BreakerPhase")]
public enum BreakerPhase
{
    Closed = 0,
    Open = 1,
    HalfOpen = 2,
}
