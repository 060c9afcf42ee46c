using OrleansSync.Resilience;
using OrleansSync.Tasks;

namespace OrleansSync.Tests.Tasks;

/// <summary>Every branch of the decision a task carries out after a failed run, without a grain.</summary>
public sealed class AfterFailureTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 4, 0, 0, TimeSpan.Zero);

    private static readonly SyncTaskOptions Options = new()
    {
        RetryBaseDelay = TimeSpan.FromSeconds(2),
        RetryMaxDelay = TimeSpan.FromMinutes(2),
        DatabaseMaxDelay = TimeSpan.FromSeconds(15),
        GiveUpAfter = TimeSpan.FromHours(1),
        Breaker = new BreakerOptions { Failures = 3, OpenTime = TimeSpan.FromSeconds(30), MaxOpenTime = TimeSpan.FromMinutes(2) },
    };

    [Theory]
    [InlineData(1, 1.0, 2.0)]
    [InlineData(3, 1.0, 8.0)]
    [InlineData(3, 0.0, 4.0)]
    // 2 s × 2^9 is past the 15 s cap.
    [InlineData(10, 1.0, 15.0)]
    public void Decide_DatabaseUnavailable_WaitsLongerPerFailureUpToItsCapAndLeavesTheBreaker(int failures, double jitter, double seconds)
    {
        var breaker = new BreakerState { ConsecutiveFailures = 2 };

        var next = AfterFailure.Decide(FailureKind.DatabaseUnavailable, breaker, failures, Now, Options, jitter);

        Assert.Equal((AfterFailureStep.WaitForDatabase, TimeSpan.FromSeconds(seconds), BreakerTransition.None, false), (next.Step, next.Delay, next.Transition, next.Ends));
        Assert.Same(breaker, next.Breaker);
        Assert.Equal(2, breaker.ConsecutiveFailures);
    }

    [Fact]
    public void Decide_Permanent_FailsNowWithoutTouchingTheBreaker()
    {
        var breaker = new BreakerState();

        var next = AfterFailure.Decide(FailureKind.Permanent, breaker, 0, Now, Options, 0.5);

        Assert.Equal((AfterFailureStep.Fail, TimeSpan.Zero, BreakerTransition.None, true, (string?)null), (next.Step, next.Delay, next.Transition, next.Ends, next.Reason));
        Assert.Same(breaker, next.Breaker);
        Assert.Equal(0, breaker.ConsecutiveFailures);
    }

    [Fact]
    public void Decide_Throttled_RetriesAfterTheFirstBackoffAndTheBreakerDoesNotHear()
    {
        var breaker = new BreakerState { ConsecutiveFailures = 2 };

        var next = AfterFailure.Decide(FailureKind.Throttled, breaker, 0, Now, Options, 1.0);

        Assert.Equal((AfterFailureStep.RetryAfterThrottle, TimeSpan.FromSeconds(2), BreakerTransition.None, false), (next.Step, next.Delay, next.Transition, next.Ends));
        Assert.Same(breaker, next.Breaker);
        Assert.Equal((BreakerPhase.Closed, 2), (breaker.Phase, breaker.ConsecutiveFailures));
    }

    [Fact]
    public void Decide_TransientBelowTheThreshold_RetriesWithABackoffThatDoublesAndCountsOnACopy()
    {
        var breaker = new BreakerState { ConsecutiveFailures = 1 };

        var next = AfterFailure.Decide(FailureKind.Transient, breaker, 0, Now, Options, 1.0);

        // The second failure in a row: 2 s doubled once.
        Assert.Equal((AfterFailureStep.RetryWithBackoff, TimeSpan.FromSeconds(4), BreakerTransition.None, false), (next.Step, next.Delay, next.Transition, next.Ends));
        Assert.Equal((BreakerPhase.Closed, 2), (next.Breaker.Phase, next.Breaker.ConsecutiveFailures));
        Assert.NotSame(breaker, next.Breaker);
        Assert.Equal(1, breaker.ConsecutiveFailures);
    }

    [Fact]
    public void Decide_TransientAtTheThreshold_OpensTheBreakerAndWaitsForItsProbe()
    {
        var breaker = new BreakerState { ConsecutiveFailures = 2 };

        var next = AfterFailure.Decide(FailureKind.Transient, breaker, 0, Now, Options, 0.0);

        Assert.Equal((AfterFailureStep.ProbeWhenDue, TimeSpan.FromSeconds(30), BreakerTransition.Opened, false), (next.Step, next.Delay, next.Transition, next.Ends));
        Assert.Equal((BreakerPhase.Open, Now + TimeSpan.FromSeconds(30), (DateTimeOffset?)Now), (next.Breaker.Phase, next.Breaker.NextProbeAt, next.Breaker.FailingSince));
        Assert.Equal(BreakerPhase.Closed, breaker.Phase);
    }

    [Fact]
    public void Decide_ProbeFailed_ReopensForTwiceAsLong()
    {
        var failingSince = Now - TimeSpan.FromMinutes(5);
        var breaker = new BreakerState { Phase = BreakerPhase.HalfOpen, ConsecutiveFailures = 3, OpenFor = TimeSpan.FromSeconds(30), Trips = 1, FailingSince = failingSince };

        var next = AfterFailure.Decide(FailureKind.Transient, breaker, 0, Now, Options, 0.0);

        Assert.Equal((AfterFailureStep.ProbeWhenDue, TimeSpan.FromMinutes(1), BreakerTransition.Reopened), (next.Step, next.Delay, next.Transition));
        Assert.Equal((BreakerPhase.Open, 2, (DateTimeOffset?)failingSince), (next.Breaker.Phase, next.Breaker.Trips, next.Breaker.FailingSince));
        Assert.Equal(BreakerPhase.HalfOpen, breaker.Phase);
    }

    [Fact]
    public void Decide_ProbeFailedAfterFailingLongerThanGiveUpAfter_GivesUpNamingTheOutage()
    {
        var failingSince = Now - TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1);
        var breaker = new BreakerState { Phase = BreakerPhase.HalfOpen, ConsecutiveFailures = 9, OpenFor = TimeSpan.FromMinutes(2), Trips = 7, FailingSince = failingSince };

        var next = AfterFailure.Decide(FailureKind.Transient, breaker, 0, Now, Options, 0.5);

        Assert.Equal((AfterFailureStep.GiveUp, TimeSpan.Zero, BreakerTransition.Reopened, true), (next.Step, next.Delay, next.Transition, next.Ends));
        Assert.Equal("Gave up: upstream has failed since 2026-12-07 02:59:59Z (longer than OrleansSync:Tasks:GiveUpAfter, 01:00:00).", next.Reason);
    }
}
