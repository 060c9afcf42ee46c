using OrleansSync.Sources;

namespace OrleansSync.Tasks;

/// <summary>
/// Turns what a streaming source says of a task's stream, asked from time to time, into the lag shown: bytes are the
/// source's; seconds come from the source positions seen before, since once the confirmed position passes one seen at
/// T, everything the source had at T is applied, and the oldest change still missing came later.
/// </summary>
internal sealed class LagTracker
{
    // Enough to follow a lag of hours asked every few seconds; beyond it the oldest are dropped, which only lowers the
    // seconds shown to the oldest kept.
    private const int KeptSamples = 4096;

    private readonly List<(DateTimeOffset At, ulong Position)> _seen = [];
    private DateTimeOffset? _heldAllAt;
    private bool _over;

    /// <summary>The lag now, and whether it has just crossed its limit upwards (said once per crossing).</summary>
    public (StreamLag Lag, bool CrossedLimit) Observe(DateTimeOffset now, SourceLag source)
    {
        var confirmed = source.Confirmed;
        var bytes = source.Position > confirmed ? source.Position - confirmed : 0;
        _seen.Add((now, source.Position));
        var passed = _seen.FindLastIndex(s => s.Position <= confirmed);
        if (passed >= 0)
        {
            _heldAllAt = _seen[passed].At;
            _seen.RemoveRange(0, passed + 1);
        }
        else if (_seen.Count > KeptSamples)
        {
            _seen.RemoveAt(0);
        }

        var since = _heldAllAt ?? _seen[0].At;
        var seconds = bytes == 0 ? 0 : Math.Max(0, (now - since).TotalSeconds);
        var over = bytes > source.Limit;
        var crossed = over && !_over;
        _over = over;
        return (new StreamLag(bytes, seconds, source.Limit, now), crossed);
    }
}
