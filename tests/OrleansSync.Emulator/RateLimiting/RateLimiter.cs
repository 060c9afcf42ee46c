using System.Collections.Concurrent;
using OrleansSync.Emulator.Hosting;

namespace OrleansSync.Emulator.RateLimiting;

/// <summary>ACC's quotas: one window per client id and API surface.</summary>
internal sealed class RateLimiter(RateLimitOptions initial, TimeProvider time)
{
    private readonly long _origin = time.GetTimestamp();
    private ConcurrentDictionary<(string ClientId, ApiSurface Surface), SlidingWindowLog> _logs = new();
    private RateLimitOptions _options = initial;
    private long _rejected;

    public RateLimitOptions Initial { get; } = initial;

    public RateLimitOptions Options
    {
        get => Volatile.Read(ref _options);
        set
        {
            Volatile.Write(ref _options, value);

            // New limits start from empty windows.
            Volatile.Write(ref _logs, new());
        }
    }

    public long Rejected => Interlocked.Read(ref _rejected);

    public bool TryAdmit(string clientId, ApiSurface surface, out int retryAfterSeconds)
    {
        retryAfterSeconds = 0;
        var options = Options;
        var limit = surface switch
        {
            ApiSurface.Reviews => options.ReviewsPerWindow,
            ApiSurface.Admin => options.AdminPerWindow,
            _ => options.TokenPerWindow,
        };
        if (limit == 0)
        {
            return true;
        }

        var log = Volatile.Read(ref _logs).GetOrAdd((clientId, surface), static _ => new SlidingWindowLog());
        var now = time.GetElapsedTime(_origin).Ticks;
        if (log.TryAdmit(now, options.Window.Ticks, limit, out var retryTicks))
        {
            return true;
        }

        Interlocked.Increment(ref _rejected);

        // Whole seconds, rounded up: a client that waits exactly that long is admitted.
        retryAfterSeconds = (int)Math.Max(1, (retryTicks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond);
        return false;
    }

    public void ResetCounters() => Interlocked.Exchange(ref _rejected, 0);
}
