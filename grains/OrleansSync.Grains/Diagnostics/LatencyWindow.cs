namespace OrleansSync.Diagnostics;

/// <summary>
/// The last <see cref="Capacity"/> durations of one kind of call, for exact percentiles of what upstream does now, in
/// fixed memory (8 bytes a sample). A ring rather than the histogram's buckets: the buckets count since the silo
/// started, so a bad hour stays in them for good, and a percentile read from them is interpolated inside a bucket whose
/// upper bound is up to 1.7 times its lower one; the ring forgets old calls and answers with a duration that was measured.
/// </summary>
public sealed class LatencyWindow
{
    public const int DefaultCapacity = 1024;

    private readonly Lock _gate = new();
    private readonly double[] _milliseconds;
    private long _count;

    public LatencyWindow(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _milliseconds = new double[capacity];
    }

    public int Capacity => _milliseconds.Length;

    public void Add(TimeSpan duration)
    {
        lock (_gate)
        {
            _milliseconds[(int)(_count % _milliseconds.Length)] = duration.TotalMilliseconds;
            _count++;
        }
    }

    /// <summary>p50, p95 and p99 of the samples in the window (0 when there are none), and how many calls were ever added.</summary>
    public Percentiles Snapshot()
    {
        double[] window;
        long count;
        lock (_gate)
        {
            count = _count;
            window = _milliseconds[..(int)Math.Min(count, _milliseconds.Length)];
        }

        Array.Sort(window);
        return new Percentiles(count, window.Length, Percentile(window, 0.50), Percentile(window, 0.95), Percentile(window, 0.99));
    }

    /// <summary>Nearest rank: the smallest sample with at least <paramref name="quantile"/> of the samples at or below it.</summary>
    public static double Percentile(double[] sorted, double quantile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Length == 0)
        {
            return 0;
        }

        // The small epsilon keeps 0.95 × 100 from landing on rank 96 through binary rounding.
        var rank = (int)Math.Ceiling((quantile * sorted.Length) - 1e-9);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <param name="Count">Samples added since the window was created.</param>
    /// <param name="Window">Samples the percentiles were taken over: the most recent ones, at most <see cref="Capacity"/>.</param>
    /// <param name="P50">Median, in milliseconds.</param>
    /// <param name="P95">95th percentile, in milliseconds.</param>
    /// <param name="P99">99th percentile, in milliseconds.</param>
    public readonly record struct Percentiles(long Count, int Window, double P50, double P95, double P99);
}
