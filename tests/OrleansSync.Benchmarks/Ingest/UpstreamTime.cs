using System.Diagnostics.Metrics;

namespace OrleansSync.Benchmarks.Ingest;

/// <summary>
/// The time the silo in this process spent waiting on upstream: the sum of the sync engine's own
/// <c>orleanssync.upstream.duration</c> histogram (every attempt, from sending to the response headers), read with a
/// <see cref="MeterListener"/> as /metrics would export it.
/// </summary>
public sealed class UpstreamTime : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _sync = new();
    private double _seconds;
    private long _attempts;

    public UpstreamTime()
    {
        _listener.InstrumentPublished = static (instrument, listener) =>
        {
            if (instrument is { Meter.Name: "OrleansSync", Name: "orleanssync.upstream.duration" })
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (_sync)
            {
                _seconds += value;
                _attempts++;
            }
        });
        _listener.Start();
    }

    public (double Seconds, long Attempts) Read()
    {
        lock (_sync)
        {
            return (_seconds, _attempts);
        }
    }

    public void Dispose() => _listener.Dispose();
}
