namespace OrleansSync.Resilience;

/// <summary>
/// The breaker state machine: closed → open after <see cref="BreakerOptions.Failures"/> consecutive failures →
/// half-open once the open time has passed → closed after a success, or open again (for twice as long, capped) after
/// a failed probe. Stateless itself: it moves a <see cref="BreakerState"/> that its owner persists.
/// </summary>
public static class CircuitBreaker
{
    /// <summary>
    /// Whether the owner may call upstream now. An open breaker whose probe time has come turns half-open and lets
    /// this one attempt through as its probe.
    /// </summary>
    public static bool TryAttempt(BreakerState state, DateTimeOffset now, out BreakerTransition transition)
    {
        ArgumentNullException.ThrowIfNull(state);
        transition = BreakerTransition.None;
        if (state.Phase != BreakerPhase.Open)
        {
            return true;
        }

        if (now < state.NextProbeAt)
        {
            return false;
        }

        state.Phase = BreakerPhase.HalfOpen;
        transition = BreakerTransition.HalfOpened;
        return true;
    }

    /// <summary>A failure: counts it, and opens the breaker at the threshold or when a probe failed.</summary>
    public static BreakerTransition RecordFailure(BreakerState state, BreakerOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        state.ConsecutiveFailures++;
        switch (state.Phase)
        {
            case BreakerPhase.Closed when state.ConsecutiveFailures < options.Failures:
                return BreakerTransition.None;
            case BreakerPhase.Closed:
                Open(state, options.OpenTime, now);
                state.FailingSince = now;
                return BreakerTransition.Opened;
            default:
                var doubled = state.OpenFor * 2;
                Open(state, doubled < options.MaxOpenTime ? doubled : options.MaxOpenTime, now);
                return BreakerTransition.Reopened;
        }
    }

    /// <summary>A success (a landed page, a finished run): closes the breaker and forgets the failures.</summary>
    public static BreakerTransition RecordSuccess(BreakerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var wasClosed = state.Phase == BreakerPhase.Closed;
        state.Phase = BreakerPhase.Closed;
        state.ConsecutiveFailures = 0;
        state.OpenedAt = null;
        state.NextProbeAt = null;
        state.OpenFor = TimeSpan.Zero;
        state.FailingSince = null;
        return wasClosed ? BreakerTransition.None : BreakerTransition.Closed;
    }

    public static BreakerView View(BreakerState state, BreakerOptions options) =>
        new(state.Phase, state.ConsecutiveFailures, options.Failures, state.OpenedAt, state.NextProbeAt, state.Trips);

    private static void Open(BreakerState state, TimeSpan openFor, DateTimeOffset now)
    {
        state.Phase = BreakerPhase.Open;
        state.OpenFor = openFor;
        state.OpenedAt = now;
        state.NextProbeAt = now + openFor;
        state.Trips++;
    }
}
