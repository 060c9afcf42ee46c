using Microsoft.Extensions.Options;
using OrleansSync.Security;

namespace OrleansSync.RateBudget;

/// <summary>
/// One credential's <see cref="CallTimeline"/> per family, in memory: a budget is pacing, not data, and a new
/// activation (after its silo died) starts with no slot granted — at worst one lease's worth early. Limits come
/// from <see cref="RateBudgetOptions"/> for the key's client id.
/// </summary>
public sealed class RateBudgetGrain(IOptions<RateBudgetOptions> options, IOptions<RetryAfterOptions> pauses, TimeProvider time, ILocalSiloDetails silo) : Grain, IRateBudgetGrain
{
    // The registry forgets what its silo knew when that silo dies: budgets tell it again now and then.
    private static readonly TimeSpan RegisterEvery = TimeSpan.FromSeconds(30);

    // Far above the calls one silo's tasks of a project can have waiting at once; a lease for more is not a silo's.
    private const int MaxCallers = 100_000;

    private readonly Dictionary<string, CallTimeline?> _timelines = new(StringComparer.Ordinal);
    private DateTimeOffset _registeredAt = DateTimeOffset.MinValue;

    public async Task<RateLease> LeaseAsync(RateLeaseRequest request, CancellationToken cancellationToken = default)
    {
        GrainInput.Required(request, "The lease request");
        GrainInput.Text(request.Silo, "The lease request's silo");
        GrainInput.Text(request.Family, "The lease request's family");
        foreach (var waiting in GrainInput.Required(request.Waiting, "The lease request's waiting callers"))
        {
            // Empty for calls that belong to no project (token, admin).
            GrainInput.OptionalText(GrainInput.Required(waiting, "A waiting project").Project, "A waiting project's id");
            GrainInput.Count(waiting.Callers, $"The callers waiting for project {waiting.Project}", MaxCallers);
        }

        await RegisterAsync(cancellationToken);
        var now = time.GetUtcNow().UtcTicks;
        return Timeline(request.Family) is { } timeline
            ? timeline.Lease(request.Silo, request.Waiting, now)
            // Not paced: every caller may go now. Silos only ask for families with a limit, so this is a config mismatch between silos.
            : new RateLease([.. request.Waiting.SelectMany(static w => Enumerable.Repeat(new LeasedSlot(w.Project, TimeSpan.Zero), w.Callers))], TimeSpan.FromSeconds(1), TimeSpan.Zero, 0, now);
    }

    public Task ThrottledAsync(string family, TimeSpan retryAfter, CancellationToken cancellationToken = default)
    {
        GrainInput.Text(family, "The throttled family");
        GrainInput.Span(retryAfter, "The Retry-After", TimeSpan.MaxValue);
        // Silos bound what they tell; the grain bounds it again, as a pause of months would stop every silo's calls.
        var pause = TimeSpan.FromTicks(Math.Min(retryAfter.Ticks, pauses.Value.MaxPause.Ticks));
        Timeline(family)?.Throttle(pause, time.GetUtcNow().UtcTicks);
        return Task.CompletedTask;
    }

    public Task<RateBudgetStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcTicks;
        var families = _timelines
            .Where(static t => t.Value is not null)
            .OrderBy(static t => Array.IndexOf(RateBudgetOptions.Families, t.Key))
            .Select(t => t.Value!.Stats(t.Key, now))
            .ToList();
        return Task.FromResult(new RateBudgetStats(this.GetPrimaryKeyString(), silo.Name, families));
    }

    private CallTimeline? Timeline(string family)
    {
        if (!_timelines.TryGetValue(family, out var timeline))
        {
            var settings = options.Value;
            var (limit, window) = settings.LimitOf(RateBudgetKey.ClientIdOf(this.GetPrimaryKeyString()), family);
            timeline = limit > 0 ? new CallTimeline(limit, window, settings.Headroom, settings.LeaseAhead) : null;
            _timelines[family] = timeline;
        }

        return timeline;
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - _registeredAt < RegisterEvery)
        {
            return;
        }

        _registeredAt = now;
        await GrainFactory.GetGrain<IRateBudgetRegistryGrain>(0).RegisterAsync(this.GetPrimaryKeyString(), cancellationToken);
    }
}
