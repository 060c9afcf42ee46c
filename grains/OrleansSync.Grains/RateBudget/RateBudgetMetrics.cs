using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OrleansSync.Telemetry;

namespace OrleansSync.RateBudget;

/// <summary>
/// This silo's side of the rate budgets on /metrics, by credential (<c>{clientId}@{host:port}</c>) and family:
/// permits taken, time waited for them, callers waiting now, 429s met, and the pace the budget grain last granted.
/// </summary>
public sealed class RateBudgetMetrics
{
    private readonly Counter<long> _permits;
    private readonly Counter<double> _waited;
    private readonly Counter<long> _throttled;
    private readonly Counter<long> _late;
    private readonly ConcurrentDictionary<(string Credential, string Family), Live> _live = new();

    public RateBudgetMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(SyncMetrics.MeterName);
        _permits = meter.CreateCounter<long>("orleanssync.rate_budget.permits", "{call}", "Upstream calls sent with a permit of the credential's cluster-wide budget.");
        _waited = meter.CreateCounter<double>("orleanssync.rate_budget.wait", "s", "Time callers waited for their permits.");
        _late = meter.CreateCounter<long>("orleanssync.rate_budget.late", "{slot}", "Slots given up because this silo woke too late to use them (a GC pause, a starved thread pool); the caller took another.");
        _throttled = meter.CreateCounter<long>("orleanssync.rate_budget.throttled", "{response}", "429s upstream answered, each reported to the budget.");
        meter.CreateObservableGauge("orleanssync.rate_budget.waiting", () => Observe(static l => l.Waiting), "{call}", "Callers waiting for a permit on this silo now.");
        meter.CreateObservableGauge("orleanssync.rate_budget.pace", () => Observe(static l => l.CallsPerSecond), "{call}/s", "Calls per second the budget grants cluster-wide, as this silo last heard.");
    }

    public void Permitted(string credential, string family, TimeSpan waited, int late)
    {
        var tags = Tags(credential, family);
        _permits.Add(1, tags);
        _waited.Add(waited.TotalSeconds, tags);
        if (late > 0)
        {
            _late.Add(late, tags);
        }
    }

    public void Throttled(string credential, string family) => _throttled.Add(1, Tags(credential, family));

    public void Observed(string credential, string family, int waiting, double callsPerSecond) =>
        _live[(credential, family)] = new Live(waiting, callsPerSecond);

    private IEnumerable<Measurement<double>> Observe(Func<Live, double> value) =>
        _live.Select(l => new Measurement<double>(value(l.Value), Tags(l.Key.Credential, l.Key.Family)));

    private static KeyValuePair<string, object?>[] Tags(string credential, string family) =>
        [new("credential", credential), new("family", family)];

    private sealed record class Live(int Waiting, double CallsPerSecond);
}
