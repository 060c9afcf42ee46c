using OrleansSync.Resilience;

namespace OrleansSync.Tasks;

/// <summary>What a task does once a run of it failed; <see cref="AfterFailure.Decide"/> chooses.</summary>
public enum AfterFailureStep
{
    /// <summary>PostgreSQL is away: run again after a wait that grows per database failure; no upstream attempt is spent and nothing is recorded.</summary>
    WaitForDatabase = 0,

    /// <summary>Retrying cannot help (a permanent failure): the task fails now.</summary>
    Fail,

    /// <summary>The breaker has stayed open longer than <see cref="SyncTaskOptions.GiveUpAfter"/>: the task fails, naming the outage.</summary>
    GiveUp,

    /// <summary>Upstream asked us to slow down: run again after a wait; the breaker does not hear of it.</summary>
    RetryAfterThrottle,

    /// <summary>A transient failure, the breaker still closed: run again after a backoff that doubles per consecutive failure.</summary>
    RetryWithBackoff,

    /// <summary>The breaker is open: call nothing until its probe is due, then run once as the probe.</summary>
    ProbeWhenDue,
}

/// <summary>
/// The decision after a failed run, from the failure's kind and the task's breaker alone, so that every branch is
/// tested without a grain (<c>AfterFailureTests</c>); the grain only carries it out. Each retry resumes from the
/// task's checkpoint.
/// </summary>
/// <param name="Step">What to do.</param>
/// <param name="Delay">Until the next run, for the waiting steps; zero for those that end the task.</param>
/// <param name="Breaker">The breaker after this failure: a changed copy when the failure counted, else the one given.</param>
/// <param name="Transition">How the breaker moved.</param>
/// <param name="Reason">The error the task records as it gives up; null otherwise (the failure itself is recorded already).</param>
public sealed record class AfterFailure(AfterFailureStep Step, TimeSpan Delay, BreakerState Breaker, BreakerTransition Transition, string? Reason)
{
    /// <summary>The task ends failed.</summary>
    public bool Ends => Step is AfterFailureStep.Fail or AfterFailureStep.GiveUp;

    /// <param name="kind">The failure, as <see cref="TaskFailures.Classify"/> sorted it.</param>
    /// <param name="breaker">The task's breaker before this failure; never changed.</param>
    /// <param name="databaseFailures">PostgreSQL failures in a row, this one included (used for <see cref="FailureKind.DatabaseUnavailable"/>).</param>
    /// <param name="now">The time of the failure.</param>
    /// <param name="options">The task settings.</param>
    /// <param name="jitter">From 0 to 1: where in its jitter range a wait falls.</param>
    public static AfterFailure Decide(FailureKind kind, BreakerState breaker, int databaseFailures, DateTimeOffset now, SyncTaskOptions options, double jitter)
    {
        ArgumentNullException.ThrowIfNull(breaker);
        ArgumentNullException.ThrowIfNull(options);
        switch (kind)
        {
            case FailureKind.DatabaseUnavailable:
                return new(AfterFailureStep.WaitForDatabase, DatabaseWait(databaseFailures, options, jitter), breaker, BreakerTransition.None, null);
            case FailureKind.Permanent:
                return new(AfterFailureStep.Fail, TimeSpan.Zero, breaker, BreakerTransition.None, null);
            case FailureKind.Throttled:
                // Flow control, not failure.
                return new(AfterFailureStep.RetryAfterThrottle, options.RetryDelay(1, options.Breaker.OpenTime, jitter), breaker, BreakerTransition.None, null);
        }

        var next = breaker.Copy();
        var transition = CircuitBreaker.RecordFailure(next, options.Breaker, now);
        if (next.Phase != BreakerPhase.Open)
        {
            return new(AfterFailureStep.RetryWithBackoff, options.RetryDelay(next.ConsecutiveFailures, null, jitter), next, transition, null);
        }

        if (now - next.FailingSince > options.GiveUpAfter)
        {
            return new(
                AfterFailureStep.GiveUp,
                TimeSpan.Zero,
                next,
                transition,
                $"Gave up: upstream has failed since {next.FailingSince:u} (longer than OrleansSync:Tasks:GiveUpAfter, {options.GiveUpAfter}).");
        }

        return new(AfterFailureStep.ProbeWhenDue, next.NextProbeAt!.Value - now, next, transition, null);
    }

    /// <summary>The wait for PostgreSQL after <paramref name="databaseFailures"/> failures in a row, up to <see cref="SyncTaskOptions.DatabaseMaxDelay"/>.</summary>
    public static TimeSpan DatabaseWait(int databaseFailures, SyncTaskOptions options, double jitter)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.RetryDelay(databaseFailures, options.DatabaseMaxDelay, jitter);
    }
}
