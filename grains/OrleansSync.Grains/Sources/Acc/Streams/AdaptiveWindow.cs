namespace OrleansSync.Sources.Acc.Streams;

/// <summary>
/// How many fetches a task keeps in flight (W), between 1 and a cap: additive increase, one more after W fetches in
/// a row that went well; multiplicative decrease, half, on a 5xx, a timeout, or an attempt much slower than the recent
/// baseline. Congestion halves W once per round: a fetch started before the last decrease reports what the old W did,
/// and is not counted again. The baseline is the fastest attempt over the last <see cref="BaselineHorizon"/> (on the
/// given clock), so a spike stands out against it while a lasting change of upstream becomes the new baseline.
/// Thread-safe: fetches complete on any thread.
/// </summary>
public sealed class AdaptiveWindow
{
    /// <summary>A fetch is slow when its attempts take this many times the baseline…</summary>
    public const double SpikeFactor = 3;

    /// <summary>…and at least this much more than it, so jitter on a fast upstream is no spike.</summary>
    public static readonly TimeSpan SpikeMargin = TimeSpan.FromMilliseconds(50);

    public static readonly TimeSpan BaselineHorizon = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly TimeProvider _clock;
    private int _size = 1;
    private int _successes;
    private long _round;

    // The baseline is the lower of two half-horizon minimums: the current one and the one before it.
    private DateTimeOffset _bucketStart;
    private TimeSpan? _currentMin;
    private TimeSpan? _previousMin;

    public AdaptiveWindow(int cap, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, 1);
        ArgumentNullException.ThrowIfNull(clock);
        Cap = cap;
        _clock = clock;
        _bucketStart = clock.GetUtcNow();
    }

    public int Cap { get; }

    /// <summary>W: fetches to keep in flight now.</summary>
    public int Size
    {
        get
        {
            lock (_lock)
            {
                return _size;
            }
        }
    }

    /// <summary>The fastest recent attempt, or null before any was timed.</summary>
    public TimeSpan? Baseline
    {
        get
        {
            lock (_lock)
            {
                RotateBaseline(_clock.GetUtcNow());
                return Min(_currentMin, _previousMin);
            }
        }
    }

    /// <summary>A fetch starts: the round it belongs to, to hand back to <see cref="Completed"/>.</summary>
    public long Started()
    {
        lock (_lock)
        {
            return _round;
        }
    }

    /// <summary>A fetch of round <paramref name="round"/> (from <see cref="Started"/>) got its whole answer; <paramref name="signal"/> says how upstream did.</summary>
    public void Completed(long round, FetchSignal signal)
    {
        lock (_lock)
        {
            var now = _clock.GetUtcNow();
            RotateBaseline(now);
            var baseline = Min(_currentMin, _previousMin);
            var latency = signal.Latency;
            var slow = latency is { } l && baseline is { } b && l > b * SpikeFactor && l - b > SpikeMargin;
            if (latency is { } sample && !signal.Failed)
            {
                _currentMin = Min(_currentMin, sample);
            }

            if (signal.Failed || slow)
            {
                if (round == _round)
                {
                    _size = Math.Max(1, _size / 2);
                    _successes = 0;
                    _round++;
                }

                return;
            }

            if (++_successes >= _size)
            {
                _successes = 0;
                _size = Math.Min(Cap, _size + 1);
            }
        }
    }

    private void RotateBaseline(DateTimeOffset now)
    {
        var half = BaselineHorizon / 2;
        if (now - _bucketStart < half)
        {
            return;
        }

        // A whole horizon without samples forgets both buckets: the old baseline says nothing about upstream now.
        _previousMin = now - _bucketStart < BaselineHorizon ? _currentMin : null;
        _currentMin = null;
        _bucketStart = now;
    }

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => (a, b) switch
    {
        ({ } x, { } y) => x < y ? x : y,
        _ => a ?? b,
    };
}
