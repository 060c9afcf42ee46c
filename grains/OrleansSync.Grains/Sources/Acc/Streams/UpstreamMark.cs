namespace OrleansSync.Sources.Acc.Streams;

/// <summary>Where a run's listing began, for the next incremental run to read from.</summary>
public static class UpstreamMark
{
    /// <summary>
    /// The earlier of upstream's <c>Date</c> and our clock when the first request went out. Upstream's clock stamps
    /// its records, so its Date is the right mark when it is sane; but a Date ahead of ours (a front end or proxy
    /// whose clock runs fast) would move the mark past changes upstream has not stamped yet, and the next run would
    /// skip them. An earlier mark only reads a little more.
    /// </summary>
    public static DateTimeOffset Of(DateTimeOffset? upstreamDate, DateTimeOffset requestedAt) =>
        upstreamDate is { } date && date < requestedAt ? date : requestedAt;
}
