using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansSync.RateBudget;

/// <summary>
/// This silo's door to the cluster-wide budgets: callers of one credential and family queue here per project, and one
/// pump per budget leases slots for them from the budget grain in small batches (so the grain is not on each call's
/// path), hands each slot to the next caller of its project and lets it go at the slot's time. A 429 pauses the
/// budget here at once and, through the grain, on every silo.
/// </summary>
public sealed partial class SiloCallPermits(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptionsMonitor<RateBudgetOptions> options,
    IOptionsMonitor<RetryAfterOptions> retryAfter,
    TimeProvider time,
    RateBudgetMetrics metrics,
    ILogger<SiloCallPermits> logger) : ICallPermits
{
    private static readonly TimeSpan MinimumAskInterval = TimeSpan.FromMilliseconds(5);

    private static readonly TimeSpan LeaseRetryDelay = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<(string Credential, string Family), LocalBudget> _budgets = new();

    private IGrainFactory Grains { get; } = grains;

    private string SiloName { get; } = silo.Name;

    private TimeProvider Time { get; } = time;

    private RateBudgetMetrics Metrics { get; } = metrics;

    private ILogger Logger { get; } = logger;

    /// <summary>The longest a 429 pauses a budget, and the longest the pump sleeps between asks.</summary>
    private TimeSpan MaxPause => retryAfter.CurrentValue.MaxPause;

    public ValueTask AcquireAsync(string clientId, Uri baseUrl, string family, string project, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var (limit, window) = settings.LimitOf(clientId, family);
        if (limit == 0)
        {
            return ValueTask.CompletedTask;
        }

        var credential = RateBudgetKey.Of(clientId, baseUrl);
        var budget = _budgets.GetOrAdd((credential, family), key => new LocalBudget(this, key.Credential, key.Family, window, RateBudgetOptions.Grace(window, settings.Headroom)));
        return budget.AcquireAsync(project, cancellationToken);
    }

    public void Throttled(string clientId, Uri baseUrl, string family, TimeSpan retryAfter)
    {
        var credential = RateBudgetKey.Of(clientId, baseUrl);
        Metrics.Throttled(credential, family);
        if (!_budgets.TryGetValue((credential, family), out var budget))
        {
            return;
        }

        // The connector bounds Retry-After already; the pause is bounded here too, as no caller may stop the budget for long.
        retryAfter = TimeSpan.FromTicks(Math.Clamp(retryAfter.Ticks, 0, MaxPause.Ticks));
        budget.Pause(retryAfter);
        _ = TellAsync(credential, family, retryAfter);
    }

    private async Task TellAsync(string credential, string family, TimeSpan retryAfter)
    {
        try
        {
            await Grains.GetGrain<IRateBudgetGrain>(credential).ThrottledAsync(family, retryAfter);
        }
        catch (Exception e)
        {
            // This silo has paused already; the others learn it from their own 429 instead.
            LogThrottleNotShared(Logger, credential, family, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate budget {Credential} ({Family}): could not share a 429 with the cluster: {Reason}")]
    private static partial void LogThrottleNotShared(ILogger logger, string credential, string family, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate budget {Credential} ({Family}): lease failed, asking again in 1 s: {Reason}")]
    private static partial void LogLeaseFailed(ILogger logger, string credential, string family, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rate budget {Credential} ({Family}): the permit pump failed and starts again in 1 s")]
    private static partial void LogPumpFailed(ILogger logger, string credential, string family, Exception exception);
}
