using System.Globalization;
using OrleansSync.Resilience;

namespace OrleansSync.Client.Cli;

/// <summary>A circuit breaker in one line, as <c>task show</c> and <c>project show</c> print it.</summary>
public static class BreakerText
{
    public static string Describe(BreakerView? breaker) => breaker switch
    {
        null => "closed",
        { Phase: BreakerPhase.Closed } => $"closed ({breaker.ConsecutiveFailures} of {breaker.Threshold} failures)",
        _ => string.Create(
            CultureInfo.InvariantCulture,
            $"{(breaker.Phase == BreakerPhase.Open ? "open" : "half-open")} after {breaker.ConsecutiveFailures} failures, opened {breaker.OpenedAt:u}, next probe {breaker.NextProbeAt:u} (tripped {breaker.Trips}×)"),
    };
}
