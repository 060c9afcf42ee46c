using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Benchmarks.Hosting;

/// <summary>
/// A silo process's working set, sampled every 100 ms from construction to <see cref="StopAsync"/>: the growth is the
/// peak less the value at the start.
/// </summary>
public sealed class WorkingSetPeak
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly long _baseline;
    private long _peak;

    public WorkingSetPeak(SiloProcess silo)
    {
        _baseline = _peak = silo.WorkingSetBytes;
        _sampling = Task.Run(
            async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    _peak = Math.Max(_peak, silo.WorkingSetBytes);
                    await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
                }
            },
            CancellationToken.None);
    }

    /// <summary>Stops sampling; the peak's growth over the start, in MB.</summary>
    public async Task<double> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
        return (_peak - _baseline) / 1024.0 / 1024.0;
    }
}
