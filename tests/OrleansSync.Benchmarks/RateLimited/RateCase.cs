using System.Globalization;
using OrleansSync.Emulator;

namespace OrleansSync.Benchmarks.RateLimited;

/// <summary>
/// One emulator quota (ACC's per-client limits, scaled to a one-second window or in ACC's own one-minute window) and
/// the same limits handed to the silos' cluster-wide rate budget (<c>OrleansSync:RateBudget:*</c>).
/// </summary>
/// <param name="Name">"generous", "tight" or "minute": the prefix of the case's figures.</param>
/// <param name="Limits">The emulator's quota.</param>
public sealed record class RateCase(string Name, RateLimitOptions Limits)
{
    /// <summary>100 Reviews API calls/s: five times ACC's 200/min scaled to a 1 s window.</summary>
    public static RateCase Generous { get; } = new("generous", new RateLimitOptions { Window = TimeSpan.FromSeconds(1), ReviewsPerWindow = 100, AdminPerWindow = 300, TokenPerWindow = 250 });

    /// <summary>20 Reviews API calls/s: ACC's quotas (200 reviews, 600 admin, 500 token calls a minute) with the window shrunk to a second and each limit divided by 10: six times ACC's rate.</summary>
    public static RateCase Tight { get; } = new("tight", new RateLimitOptions { Window = TimeSpan.FromSeconds(1), ReviewsPerWindow = 20, AdminPerWindow = 60, TokenPerWindow = 50 });

    /// <summary>
    /// 2,000 Reviews API calls a minute in ACC's own one-minute window (ACC's 200, 600 and 500 a minute times 10): the
    /// limit told to the cluster per minute, so a whole window's calls may go at once; 4 × 500 reviews take about two.
    /// </summary>
    public static RateCase Minute { get; } = new("minute", new RateLimitOptions { Window = TimeSpan.FromMinutes(1), ReviewsPerWindow = 2000, AdminPerWindow = 6000, TokenPerWindow = 5000 });

    public double ReviewsPerSecond => Limits.ReviewsPerWindow / Limits.Window.TotalSeconds;

    /// <summary>The silo settings of the rate budget, matching the emulator's limits.</summary>
    public IReadOnlyDictionary<string, string?> BudgetEnvironment() => new Dictionary<string, string?>
    {
        ["OrleansSync__RateBudget__Enabled"] = "true",
        ["OrleansSync__RateBudget__Window"] = Limits.Window.ToString("c", CultureInfo.InvariantCulture),
        ["OrleansSync__RateBudget__Reviews"] = Limits.ReviewsPerWindow.ToString(CultureInfo.InvariantCulture),
        ["OrleansSync__RateBudget__Admin"] = Limits.AdminPerWindow.ToString(CultureInfo.InvariantCulture),
        ["OrleansSync__RateBudget__Token"] = Limits.TokenPerWindow.ToString(CultureInfo.InvariantCulture),
    };
}
