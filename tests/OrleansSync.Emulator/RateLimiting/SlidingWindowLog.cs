namespace OrleansSync.Emulator.RateLimiting;

/// <summary>
/// A sliding-window log: a call is admitted while fewer than <c>limit</c> calls were admitted in the last window.
/// Exact (no fixed-window double bursts at boundaries) and small enough: at most <c>limit</c> timestamps.
/// </summary>
internal sealed class SlidingWindowLog
{
    private readonly Lock _gate = new();
    private readonly Queue<long> _admitted = new();

    /// <param name="now">Monotonic time in ticks.</param>
    /// <param name="window">Window length in ticks.</param>
    /// <param name="limit">Calls admitted per window.</param>
    /// <param name="retryAfter">When refused, ticks until a call would be admitted.</param>
    public bool TryAdmit(long now, long window, int limit, out long retryAfter)
    {
        lock (_gate)
        {
            while (_admitted.Count > 0 && _admitted.Peek() <= now - window)
            {
                _admitted.Dequeue();
            }

            if (_admitted.Count < limit)
            {
                _admitted.Enqueue(now);
                retryAfter = 0;
                return true;
            }

            // The call that must leave the window before one more fits (more than one if the limit was lowered).
            var blocking = _admitted.ElementAt(_admitted.Count - limit);
            retryAfter = blocking + window - now;
            return false;
        }
    }
}
