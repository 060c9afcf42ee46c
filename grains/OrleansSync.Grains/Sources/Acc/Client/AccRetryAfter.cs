namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// A 429's Retry-After as a wait from now, at most <see cref="RateBudget.RetryAfterOptions.MaxPause"/>. Seconds are taken as
/// given; an HTTP-date is measured against the answer's own <c>Date</c> (upstream's clock, whatever its gap to ours),
/// or against our clock when the answer has none. A negative or unreadable value is no Retry-After at all (.NET does
/// not parse it).
/// </summary>
/// <param name="Wait">What to wait: <paramref name="Asked"/>, bounded.</param>
/// <param name="Asked">What upstream asked for, never negative.</param>
internal readonly record struct AccRetryAfter(TimeSpan Wait, TimeSpan Asked)
{
    /// <summary>Upstream asked for more than <see cref="RateBudget.RetryAfterOptions.MaxPause"/>.</summary>
    public bool Bounded => Asked > Wait;

    /// <summary>The response's Retry-After; null when it has none (or none that parses).</summary>
    public static AccRetryAfter? Of(HttpResponseMessage? response, TimeProvider time, TimeSpan maxPause)
    {
        var header = response?.Headers.RetryAfter;
        TimeSpan asked;
        if (header?.Delta is { } delta)
        {
            asked = delta;
        }
        else if (header?.Date is { } date)
        {
            asked = date - (response!.Headers.Date ?? time.GetUtcNow());
        }
        else
        {
            return null;
        }

        asked = asked > TimeSpan.Zero ? asked : TimeSpan.Zero;
        return new AccRetryAfter(asked > maxPause ? maxPause : asked, asked);
    }
}
