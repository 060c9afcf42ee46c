namespace OrleansSync.Emulator;

/// <summary>
/// ACC's per-client quotas. A limit of 0 turns that quota off. Shrink <see cref="Window"/> (e.g. to one second)
/// so that benchmarks meet the same wall in a fraction of the time.
/// </summary>
public sealed record RateLimitOptions
{
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Calls per window across all Reviews API endpoints.</summary>
    public int ReviewsPerWindow { get; init; } = 200;

    /// <summary>Calls per window across the Admin API GET endpoints.</summary>
    public int AdminPerWindow { get; init; } = 600;

    /// <summary>Calls per window to the token endpoint.</summary>
    public int TokenPerWindow { get; init; } = 500;

    /// <summary>No quota at all, for tests that measure something else.</summary>
    public static RateLimitOptions Unlimited { get; } = new() { ReviewsPerWindow = 0, AdminPerWindow = 0, TokenPerWindow = 0 };

    internal IEnumerable<string> Validate()
    {
        if (Window <= TimeSpan.Zero)
        {
            yield return "rate window must be positive";
        }

        if (ReviewsPerWindow < 0 || AdminPerWindow < 0 || TokenPerWindow < 0)
        {
            yield return "rate limits must be 0 (off) or more";
        }
    }
}
