using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// Watches how far each upstream's HTTP <c>Date</c> is from our clock, and logs a skew beyond
/// <see cref="AccSourceOptions.ClockSkewWarning"/> once per upstream origin and silo, until that upstream is back in
/// step (logged too): every answer carries a Date, and a log line per page would drown the log.
/// </summary>
public sealed class AccClockSkew(TimeProvider time, IOptionsMonitor<AccSourceOptions> options, ILogger<AccClockSkew> logger)
{
    private readonly ConcurrentDictionary<string, bool> _skewed = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the last Date seen from <paramref name="url"/>'s origin was skewed.</summary>
    public bool IsSkewed(Uri url) => _skewed.TryGetValue(Origin(url), out var skewed) && skewed;

    /// <summary>Compares an answer's <c>Date</c> with our clock now.</summary>
    public void Observe(Uri url, DateTimeOffset? upstreamDate)
    {
        if (upstreamDate is not { } date)
        {
            return;
        }

        var tolerance = options.CurrentValue.ClockSkewWarning;
        var gap = date - time.GetUtcNow();
        var skewed = gap.Duration() > tolerance;
        var origin = Origin(url);
        var changed = _skewed.TryGetValue(origin, out var was)
            ? was != skewed && _skewed.TryUpdate(origin, skewed, was)
            : _skewed.TryAdd(origin, skewed) && skewed;
        if (!changed)
        {
            return;
        }

        if (skewed)
        {
            logger.LogWarningClockSkew(origin, (long)gap.TotalSeconds);
        }
        else
        {
            logger.LogInformationClockInStep(origin, (long)tolerance.TotalSeconds);
        }
    }

    private static string Origin(Uri url) => url.GetLeftPart(UriPartial.Authority);
}
