using OrleansSync.Sources.Acc.Client;

namespace OrleansSync.Sources.Acc.Streams;

/// <summary>
/// What one fetch told about upstream, from its attempts' own time only: waits for a permit, 429s and their
/// Retry-After waits, and backoff between retries are not in it (see <see cref="SourcePage.UpstreamTime"/>).
/// </summary>
/// <param name="UpstreamTime">The timed attempts' summed time to the response headers.</param>
/// <param name="TimedCalls">Attempts in <paramref name="UpstreamTime"/>.</param>
/// <param name="ServerErrors">Attempts answered 5xx or not answered at all (refused, reset).</param>
/// <param name="Timeouts">Attempts cut by their timeout.</param>
public readonly record struct FetchSignal(TimeSpan UpstreamTime, int TimedCalls, int ServerErrors, int Timeouts)
{
    public static FetchSignal Of(SourcePage page) => new(page.UpstreamTime, page.TimedCalls, page.ServerErrors, page.Timeouts);

    /// <summary>Mean time of one attempt, or null when none was timed.</summary>
    public TimeSpan? Latency => TimedCalls > 0 ? UpstreamTime / TimedCalls : null;

    public bool Failed => ServerErrors > 0 || Timeouts > 0;

    /// <summary>This fetch's signal and <paramref name="more"/> (its next page) together.</summary>
    public FetchSignal And(FetchSignal more) =>
        new(UpstreamTime + more.UpstreamTime, TimedCalls + more.TimedCalls, ServerErrors + more.ServerErrors, Timeouts + more.Timeouts);
}
