namespace OrleansSync.RateBudget;

/// <summary>
/// The budget grain's clock to this silo's, from the gaps between when leases were issued (the grain's clock) and
/// when they came (ours): the smallest gap over recent answers is clock skew plus the quickest trip back. A gap that
/// differs from that by more than upstream's window is no slow reply but another clock (the grain moved to a silo
/// whose clock is far off, or a clock was set): the gaps seen before are dropped, so slot times neither fall a day
/// into the past (every slot given up as late) nor into the future (callers stalled).
/// </summary>
/// <param name="window">Upstream's window: no reply is slower than that and still useful.</param>
public sealed class ClockGap(TimeSpan window)
{
    // Answers whose gap is remembered: a few seconds' worth while callers wait.
    private const int Kept = 64;

    private readonly Queue<long> _gaps = new();

    /// <summary>Takes one answer's gap (ticks, ours minus the grain's) and returns the gap to time slots by.</summary>
    public long Observe(long gap)
    {
        if (_gaps.Count > 0 && Math.Abs(gap - _gaps.Min()) > window.Ticks)
        {
            _gaps.Clear();
        }

        _gaps.Enqueue(gap);
        if (_gaps.Count > Kept)
        {
            _gaps.Dequeue();
        }

        return _gaps.Min();
    }
}
