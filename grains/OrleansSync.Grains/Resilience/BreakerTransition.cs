namespace OrleansSync.Resilience;

/// <summary>A change of a breaker's phase, for logs and metrics.</summary>
public enum BreakerTransition
{
    None = 0,
    Opened,
    HalfOpened,
    Reopened,
    Closed,
}
