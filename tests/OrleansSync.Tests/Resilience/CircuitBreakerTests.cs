using Microsoft.Extensions.Time.Testing;
using OrleansSync.Resilience;

namespace OrleansSync.Tests.Resilience;

/// <summary>The breaker state machine, on a clock the test moves.</summary>
public sealed class CircuitBreakerTests
{
    private static readonly BreakerOptions Options = new() { Failures = 3, OpenTime = TimeSpan.FromSeconds(30), MaxOpenTime = TimeSpan.FromMinutes(2) };

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void RecordFailure_BelowThreshold_StaysClosedAndLetsAttemptsThrough()
    {
        var state = new BreakerState();

        Assert.Equal(BreakerTransition.None, CircuitBreaker.RecordFailure(state, Options, _clock.GetUtcNow()));
        Assert.Equal(BreakerTransition.None, CircuitBreaker.RecordFailure(state, Options, _clock.GetUtcNow()));

        Assert.Equal((BreakerPhase.Closed, 2), (state.Phase, state.ConsecutiveFailures));
        Assert.True(CircuitBreaker.TryAttempt(state, _clock.GetUtcNow(), out var transition));
        Assert.Equal(BreakerTransition.None, transition);
    }

    [Fact]
    public void RecordFailure_AtThreshold_OpensUntilTheOpenTimeHasPassed()
    {
        var state = Failed(3);
        var openedAt = _clock.GetUtcNow();

        Assert.Equal((BreakerPhase.Open, 1), (state.Phase, state.Trips));
        Assert.Equal((openedAt, openedAt + Options.OpenTime, openedAt), (state.OpenedAt, state.NextProbeAt, state.FailingSince));
        _clock.Advance(Options.OpenTime - TimeSpan.FromMilliseconds(1));
        Assert.False(CircuitBreaker.TryAttempt(state, _clock.GetUtcNow(), out _));
        Assert.Equal(BreakerPhase.Open, state.Phase);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(CircuitBreaker.TryAttempt(state, _clock.GetUtcNow(), out var transition));
        Assert.Equal((BreakerTransition.HalfOpened, BreakerPhase.HalfOpen), (transition, state.Phase));
    }

    [Fact]
    public void RecordFailure_ProbesKeepFailing_OpenTimeDoublesUpToTheCap()
    {
        var state = Failed(3);
        var waits = new List<TimeSpan>();
        for (var probe = 0; probe < 4; probe++)
        {
            _clock.SetUtcNow(state.NextProbeAt!.Value);
            Assert.True(CircuitBreaker.TryAttempt(state, _clock.GetUtcNow(), out _));
            Assert.Equal(BreakerTransition.Reopened, CircuitBreaker.RecordFailure(state, Options, _clock.GetUtcNow()));
            waits.Add(state.NextProbeAt!.Value - _clock.GetUtcNow());
        }

        Assert.Equal([TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(120)], waits);
        Assert.Equal((BreakerPhase.Open, 5, 7), (state.Phase, state.Trips, state.ConsecutiveFailures));
        Assert.Equal(_clock.GetUtcNow() - TimeSpan.FromSeconds(30 + 60 + 120 + 120), state.FailingSince);
    }

    [Fact]
    public void RecordSuccess_AfterSuccessfulProbe_ClosesAndForgetsTheFailures()
    {
        var state = Failed(3);
        _clock.Advance(Options.OpenTime);
        Assert.True(CircuitBreaker.TryAttempt(state, _clock.GetUtcNow(), out _));

        Assert.Equal(BreakerTransition.Closed, CircuitBreaker.RecordSuccess(state));

        Assert.Equal((BreakerPhase.Closed, 0, 1), (state.Phase, state.ConsecutiveFailures, state.Trips));
        Assert.Equal((null, null, null), (state.OpenedAt, state.NextProbeAt, state.FailingSince));
        // Closed again: it takes the full threshold to open it once more, for the first open time again.
        Failed(3, state);
        Assert.Equal(_clock.GetUtcNow() + Options.OpenTime, state.NextProbeAt);
    }

    [Fact]
    public void RecordSuccess_WhileClosed_ResetsTheCountWithoutATransition()
    {
        var state = Failed(2);

        Assert.Equal(BreakerTransition.None, CircuitBreaker.RecordSuccess(state));
        Assert.Equal(BreakerTransition.None, CircuitBreaker.RecordFailure(state, Options, _clock.GetUtcNow()));
        Assert.Equal(1, state.ConsecutiveFailures);
    }

    [Fact]
    public void View_OpenBreaker_ShowsPhaseCountsAndProbeTime()
    {
        var state = Failed(3);

        var view = CircuitBreaker.View(state, Options);

        Assert.Equal(new BreakerView(BreakerPhase.Open, 3, 3, _clock.GetUtcNow(), _clock.GetUtcNow() + Options.OpenTime, 1), view);
    }

    private BreakerState Failed(int times, BreakerState? state = null)
    {
        state ??= new BreakerState();
        for (var i = 0; i < times; i++)
        {
            CircuitBreaker.RecordFailure(state, Options, _clock.GetUtcNow());
        }

        return state;
    }
}
