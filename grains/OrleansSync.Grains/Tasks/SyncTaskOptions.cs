using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using OrleansSync.Resilience;

namespace OrleansSync.Tasks;

/// <summary>How tasks retry, trip their breaker and watch themselves. Section <c>OrleansSync:Tasks</c>, validated at start.</summary>
public sealed class SyncTaskOptions
{
    public const string Section = "OrleansSync:Tasks";

    /// <summary>The task's breaker (<c>OrleansSync:Tasks:Breaker</c>): it opens after this many consecutive failed runs; a landed page resets the count.</summary>
    [ValidateObjectMembers]
    public BreakerOptions Breaker { get; set; } = new();

    /// <summary>The wait before the retry of a failed run while the breaker is still closed; it doubles per failure, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest wait for PostgreSQL to come back between two tries; the outage spends no upstream attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan DatabaseMaxDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Period of the reminder that re-activates a task whose silo died. Orleans' floor for reminders is one minute
    /// unless <c>ReminderOptions.MinimumReminderPeriod</c> is lowered (tests do).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan WatchdogPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A running task that lands nothing for this long is hung: it is cancelled and resumed from its checkpoint.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan HungAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A task whose breaker has stayed open (no page landed) for this long fails, naming the outage.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>At most this many of a task's errors are kept.</summary>
    [Range(1, 1000)]
    public int KeptErrors { get; set; } = 10;

    /// <summary>How long a pause waits for the page in flight to land before dropping it (it is fetched again on resume).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PauseGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a live task checks itself (hung, unpublished end): often enough to notice a hang in time.</summary>
    public TimeSpan HeartbeatPeriod => HungAfter / 4 < TimeSpan.FromMinutes(1) ? HungAfter / 4 : TimeSpan.FromMinutes(1);

    /// <summary>Exponential from <see cref="RetryBaseDelay"/> (failure 1) up to <paramref name="max"/>, with jitter.</summary>
    public TimeSpan RetryDelay(int failures, TimeSpan? max = null) => RetryDelay(failures, max, Random.Shared.NextDouble());

    /// <summary>As above, with the jitter given: <paramref name="jitter"/> from 0 (half the delay) to 1 (all of it).</summary>
    public TimeSpan RetryDelay(int failures, TimeSpan? max, double jitter)
    {
        var cap = max ?? RetryMaxDelay;
        var delay = RetryBaseDelay * Math.Pow(2, Math.Min(30, Math.Max(0, failures - 1)));
        var capped = delay < cap ? delay : cap;
        // Jitter spreads retries of many tasks that failed together (an upstream outage).
        return capped * (0.5 + (Math.Clamp(jitter, 0, 1) / 2));
    }
}

/// <summary>Checks the <see cref="RangeAttribute"/>s above (and the breaker's) at start, without reflection.</summary>
[OptionsValidator]
public sealed partial class SyncTaskOptionsValidator : IValidateOptions<SyncTaskOptions>;
