using OrleansSync.Emulator.Data;

namespace OrleansSync.Emulator.Faults;

/// <summary>The fault knobs in force, changeable while requests run.</summary>
internal sealed class FaultState(FaultSettings initial, ulong seed)
{
    private readonly Lock _randomGate = new();

    // Seeded, so that a single-threaded run sees the same faults each time.
    private readonly DeterministicRandom _random = DeterministicRandom.For(seed, Salts.Faults);
    private FaultSettings _settings = initial;
    private int _throttleRemaining;
    private long _injectedServerErrors;
    private long _injectedThrottles;
    private long _injectedOutages;

    public FaultSettings Initial { get; } = initial;

    public FaultSettings Settings
    {
        get => Volatile.Read(ref _settings);
        set => Volatile.Write(ref _settings, value);
    }

    public int ThrottleRemaining => Volatile.Read(ref _throttleRemaining);

    public long InjectedServerErrors => Interlocked.Read(ref _injectedServerErrors);

    public long InjectedThrottles => Interlocked.Read(ref _injectedThrottles);

    public long InjectedOutages => Interlocked.Read(ref _injectedOutages);

    /// <summary>The hostile-answer rules, consumed call by call like pending throttles.</summary>
    public HostileRuleSet Hostile { get; } = new();

    /// <summary>The outage status when one is set (and counts the call), otherwise null.</summary>
    public int? TakeOutage()
    {
        var status = Settings.OutageStatus;
        if (status == 0)
        {
            return null;
        }

        Interlocked.Increment(ref _injectedOutages);
        return status;
    }

    /// <summary>The next <paramref name="calls"/> reviews or admin calls answer 429.</summary>
    public void ThrottleNext(int calls) => Volatile.Write(ref _throttleRemaining, Math.Max(0, calls));

    public bool TryTakeThrottle(out int retryAfterSeconds)
    {
        retryAfterSeconds = Settings.ThrottleRetryAfterSeconds;
        while (true)
        {
            var remaining = Volatile.Read(ref _throttleRemaining);
            if (remaining <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _throttleRemaining, remaining - 1, remaining) == remaining)
            {
                Interlocked.Increment(ref _injectedThrottles);
                return true;
            }
        }
    }

    public TimeSpan NextLatency()
    {
        var settings = Settings;
        if (settings.LatencyMs == 0 && settings.JitterMs == 0)
        {
            return TimeSpan.Zero;
        }

        int jitter;
        lock (_randomGate)
        {
            jitter = _random.Next(settings.JitterMs + 1);
        }

        return TimeSpan.FromMilliseconds(settings.LatencyMs + jitter);
    }

    /// <summary>500 or 503 when the dice say this call fails, otherwise null.</summary>
    public int? NextServerError()
    {
        var rate = Settings.ServerErrorRate;
        if (rate <= 0)
        {
            return null;
        }

        bool fail;
        bool unavailable;
        lock (_randomGate)
        {
            fail = _random.NextDouble() < rate;
            unavailable = _random.Chance(0.5);
        }

        if (!fail)
        {
            return null;
        }

        Interlocked.Increment(ref _injectedServerErrors);
        return unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
    }

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _injectedServerErrors, 0);
        Interlocked.Exchange(ref _injectedThrottles, 0);
        Interlocked.Exchange(ref _injectedOutages, 0);
        Hostile.ResetCounters();
    }
}
