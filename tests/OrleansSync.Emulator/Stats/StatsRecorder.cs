using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace OrleansSync.Emulator.Stats;

/// <summary>Lock-free counters of upstream calls by endpoint and status.</summary>
internal sealed class StatsRecorder
{
    private ConcurrentDictionary<(string Endpoint, int Status), StrongBox<long>> _counts = new();

    public void Record(string endpoint, int status)
    {
        var box = Volatile.Read(ref _counts).GetOrAdd((endpoint, status), static _ => new StrongBox<long>());
        Interlocked.Increment(ref box.Value);
    }

    public void Reset() => Volatile.Write(ref _counts, new());

    public StatsSnapshot Snapshot(
        long quotaRejections,
        long injectedThrottles,
        long injectedServerErrors,
        long injectedOutages,
        IReadOnlyDictionary<string, long> injectedHostile)
    {
        var counts = Volatile.Read(ref _counts)
            .Select(pair => (pair.Key.Endpoint, Status: pair.Key.Status.ToString(CultureInfo.InvariantCulture), Count: Interlocked.Read(ref pair.Value.Value)))
            .Where(c => c.Count > 0)
            .ToList();
        var endpoints = new SortedDictionary<string, EndpointStats>(StringComparer.Ordinal);
        foreach (var group in counts.GroupBy(c => c.Endpoint))
        {
            var byStatus = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var c in group)
            {
                byStatus[c.Status] = c.Count;
            }

            endpoints[group.Key] = new EndpointStats(byStatus.Values.Sum(), byStatus);
        }

        var totals = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var group in counts.GroupBy(c => c.Status))
        {
            totals[group.Key] = group.Sum(c => c.Count);
        }

        return new StatsSnapshot(totals.Values.Sum(), totals, endpoints, quotaRejections, injectedThrottles, injectedServerErrors, injectedOutages, injectedHostile);
    }
}
