namespace OrleansSync.Tasks;

/// <summary>How tasks retry and watch themselves. Section <c>OrleansSync:Tasks</c>.</summary>
public sealed class SyncTaskOptions
{
    public const string Section = "OrleansSync:Tasks";

    /// <summary>Consecutive failed runs (without a landed page between them) before a task fails. Each run resumes from the checkpoint.</summary>
    public int MaxAttempts { get; set; } = 5;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Period of the reminder that re-activates a running task whose silo died. Orleans' floor for reminders is one
    /// minute unless <c>ReminderOptions.MinimumReminderPeriod</c> is lowered (tests do).
    /// </summary>
    public TimeSpan WatchdogPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this many of a task's errors are kept.</summary>
    public int KeptErrors { get; set; } = 10;

    public TimeSpan RetryDelay(int attempt)
    {
        var delay = RetryBaseDelay * Math.Pow(2, Math.Max(0, attempt - 1));
        var capped = delay < RetryMaxDelay ? delay : RetryMaxDelay;
        // Jitter spreads retries of many tasks that failed together (an upstream outage).
        return capped * (0.5 + (Random.Shared.NextDouble() / 2));
    }
}
