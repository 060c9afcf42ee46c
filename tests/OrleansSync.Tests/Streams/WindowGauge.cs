using System.Diagnostics.Metrics;
using OrleansSync.Telemetry;

namespace OrleansSync.Tests.Streams;

/// <summary>
/// Reads the gauge <c>orleanssync.children.window</c> (W, by stream) of the in-process silos, which share the process
/// with the test; and, while <see cref="SampleAsync"/> runs, the largest W seen.
/// </summary>
internal sealed class WindowGauge : IDisposable
{
    public const string Instrument = "orleanssync.children.window";

    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _reading = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _max = new(StringComparer.Ordinal);

    public WindowGauge()
    {
        _listener.InstrumentPublished = static (published, listener) =>
        {
            if (published.Meter.Name == SyncMetrics.MeterName && published.Name == Instrument)
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "stream", Value: string stream })
                {
                    _reading[stream] = _reading.GetValueOrDefault(stream) + value;
                }
            }
        });
        _listener.Start();
    }

    /// <summary>The stream's W now, summed over its walks; null while none runs.</summary>
    public int? Read(string stream)
    {
        lock (_lock)
        {
            _reading.Clear();
            _listener.RecordObservableInstruments();
            foreach (var (name, value) in _reading)
            {
                _max[name] = Math.Max(_max.GetValueOrDefault(name), value);
            }

            return _reading.TryGetValue(stream, out var size) ? size : null;
        }
    }

    /// <summary>The largest W read for the stream so far.</summary>
    public int Max(string stream)
    {
        lock (_lock)
        {
            return _max.GetValueOrDefault(stream);
        }
    }

    /// <summary>Reads the gauge every few milliseconds until <paramref name="cancellationToken"/> fires, so <see cref="Max"/> misses little.</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Read(string.Empty);
            await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose() => _listener.Dispose();
}
