namespace OrleansSync.Tasks;

/// <summary>
/// A task's recent pace, over its last <see cref="Window"/> pages: records per second, and when it should end at that
/// pace (in records where upstream gave a total, else in pages where the run knows how many). Held in memory only: a
/// resumed task measures afresh.
/// </summary>
internal sealed class ProgressRate
{
    public const int Window = 20;

    private readonly Queue<(DateTimeOffset At, TaskProgress Progress)> _samples = new();

    public void Add(DateTimeOffset at, TaskProgress progress)
    {
        _samples.Enqueue((at, progress));
        while (_samples.Count > Window + 1)
        {
            _samples.Dequeue();
        }
    }

    /// <summary>Forget the pace (a run stopped: its pause would read as slowness).</summary>
    public void Reset() => _samples.Clear();

    public double? RecordsPerSecond => Span() is var (first, last, seconds) ? (last.RecordsRead - first.RecordsRead) / seconds : null;

    public DateTimeOffset? Eta(DateTimeOffset now, TaskProgress progress)
    {
        if (Span() is not var (first, last, seconds))
        {
            return null;
        }

        var (done, rate, left) = progress switch
        {
            { TotalRecords: > 0 and var total } => (true, (last.RecordsRead - first.RecordsRead) / seconds, total - progress.RecordsRead),
            { TotalPages: > 0 and var pages } => (true, (last.Pages - first.Pages) / seconds, pages - progress.Pages),
            _ => (false, 0.0, 0L),
        };
        if (!done || rate <= 0)
        {
            return null;
        }

        return now + TimeSpan.FromSeconds(Math.Min(Math.Max(left, 0) / rate, TimeSpan.FromDays(365).TotalSeconds));
    }

    private (TaskProgress First, TaskProgress Last, double Seconds)? Span()
    {
        if (_samples.Count < 2)
        {
            return null;
        }

        var first = _samples.Peek();
        var last = _samples.Last();
        var seconds = (last.At - first.At).TotalSeconds;
        return seconds > 0 ? (first.Progress, last.Progress, seconds) : null;
    }
}
