using System.Diagnostics.Metrics;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>
/// Sums one counter of one meter across the silos of one in-process cluster. Each silo's meters come from its own
/// <see cref="IMeterFactory"/> (the meter's <see cref="Meter.Scope"/>), so the clusters of test classes that run
/// alongside count apart.
/// </summary>
public sealed class CounterListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public CounterListener(InProcessCluster cluster, string meter, string instrument)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var scopes = cluster.MeterFactories();
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Meter.Name == meter && published.Name == instrument && published.Meter.Scope is { } scope && scopes.Contains(scope))
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
