namespace OrleansSync.RateBudget;

/// <summary>
/// One family's calls of one credential, on one timeline: slots spaced by the pace (the limit with its headroom), one
/// at a time, so no window upstream counts in ever holds more calls than its limit. A slot is given a time only when
/// the silo that will use it asks, never further than <c>LeaseAhead</c> ahead, so no slot waits for a silo and none
/// is wasted.
/// Shares are fair by credit: every project with callers waiting earns an equal share of the pace (split evenly
/// among the silos its callers wait on) and spends a credit per slot, so a project with many tasks takes no more
/// than one with few, and none starves; a slot nobody with credit claims in time goes to one in debt, so the pace
/// is never idle while anyone waits.
/// A 429 pauses the timeline until its Retry-After has passed and slows the pace (×0.9, down to a quarter); each
/// window without one after the pause brings a tenth of the limit back.
/// Plain data, no clock of its own: every call passes "now", so tests drive it with any clock.
/// </summary>
public sealed class CallTimeline
{
    private const double ShrinkFactor = 0.9;
    private const double SlowestShare = 0.25;
    private const double RecoveryPerWindow = 0.1;

    private readonly double _fullPace;
    private readonly long _windowTicks;
    private readonly long _aheadTicks;
    private readonly long _staleTicks;
    private readonly Dictionary<(string Project, string Silo), Claim> _claims = [];
    private readonly Queue<long> _handed = new();
    private double _pace;
    private long _next = long.MinValue;
    private long _pausedUntil = long.MinValue;
    private long _lastThrottle = long.MinValue;
    private long _recoverFrom;
    private long _accruedAt = long.MinValue;

    /// <param name="limit">Calls upstream allows per <paramref name="window"/>; more than 0.</param>
    /// <param name="window">Upstream's window.</param>
    /// <param name="headroom">Share of the limit spent (0.1 to 1).</param>
    /// <param name="leaseAhead">How far ahead of now slots are given.</param>
    public CallTimeline(int limit, TimeSpan window, double headroom, TimeSpan leaseAhead)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        Limit = limit;
        Window = window;
        _windowTicks = window.Ticks;
        _fullPace = limit * headroom / window.TotalSeconds;
        _pace = _fullPace;
        _aheadTicks = leaseAhead.Ticks;
        // A silo with callers waiting asks at least once per LeaseAhead; one silent for two of them (and a little) has
        // left or stalled, and its share goes to the others.
        _staleTicks = (2 * _aheadTicks) + (TimeSpan.TicksPerSecond / 10);
    }

    public int Limit { get; }

    public TimeSpan Window { get; }

    /// <summary>Slots given per second at most now.</summary>
    public double CallsPerSecond => _pace;

    public long Granted { get; private set; }

    public long Throttled { get; private set; }

    public long Shrinks { get; private set; }

    private long Spacing => (long)(TimeSpan.TicksPerSecond / _pace);

    /// <summary>Takes <paramref name="silo"/>'s callers waiting now and gives it the slots its projects' credit and the horizon allow.</summary>
    /// <param name="silo">The asking silo.</param>
    /// <param name="waiting">Its callers waiting now, by project; replaces what it reported before.</param>
    /// <param name="now">Ticks of the caller's clock (UTC).</param>
    public RateLease Lease(string silo, IReadOnlyList<ProjectDemand> waiting, long now)
    {
        Recover(now);
        Accrue(now);
        Refresh(silo, waiting, now);
        Expire(now);

        var own = _claims.Where(c => c.Key.Silo == silo && c.Value.Waiting > 0).ToList();
        var slots = new List<LeasedSlot>();
        while (true)
        {
            var slot = Math.Max(Math.Max(_next, now), _pausedUntil);
            if (slot > now + _aheadTicks)
            {
                break;
            }

            // The project of this silo with the most credit goes next, so the silo's own projects interleave too. A slot
            // about to go unused (due within half a lease) goes even to a project in debt: the pace is never idle while
            // anyone waits, and the debt is paid back from its later share.
            var runningDry = slot <= now + (_aheadTicks / 2);
            var best = own
                .Where(c => c.Value.Waiting > 0 && (c.Value.Credit >= 1 || (runningDry && c.Value.Credit > -c.Value.Cap)))
                .OrderByDescending(static c => c.Value.Credit)
                .Take(1)
                .ToList();
            if (best is not [var (key, claim)])
            {
                break;
            }

            claim.Credit--;
            claim.Waiting--;
            slots.Add(new LeasedSlot(key.Project, TimeSpan.FromTicks(slot - now)));
            _handed.Enqueue(slot);
            Granted++;
            _next = slot + Spacing;
        }

        var unmet = own.Any(static c => c.Value.Waiting > 0);
        return new RateLease(slots, AskAgainIn(now, unmet), PausedFor(now), _pace, now);
    }

    /// <summary>A 429: no slot before <paramref name="retryAfter"/> has passed, and a slower pace unless one slowed it within the last Retry-After.</summary>
    public void Throttle(TimeSpan retryAfter, long now)
    {
        Throttled++;
        _pausedUntil = Math.Max(_pausedUntil, now + Math.Max(0, retryAfter.Ticks));

        // The calls in flight when upstream's window filled all meet the same 429: one event, one shrink.
        if (_lastThrottle == long.MinValue || now - _lastThrottle > Math.Max(retryAfter.Ticks, TimeSpan.TicksPerSecond))
        {
            _pace = Math.Max(_fullPace * SlowestShare, _pace * ShrinkFactor);
            Shrinks++;
        }

        _lastThrottle = now;
        // Back up to speed only once a whole window after the pause has passed without another 429.
        _recoverFrom = _pausedUntil + _windowTicks;
        _next = Math.Max(_next, _pausedUntil);
    }

    public FamilyBudgetStats Stats(string family, long now)
    {
        Expire(now);
        var waiting = _claims.Values.Sum(static c => c.Waiting);
        var projects = _claims.Where(static c => c.Value.Waiting > 0).Select(static c => c.Key.Project).Distinct(StringComparer.Ordinal).Count();
        return new FamilyBudgetStats(
            family, Limit, Window.TotalSeconds, Math.Round(_pace, 3), Granted, _handed.Count, waiting, projects, Throttled, Shrinks,
            _pausedUntil > now ? new DateTimeOffset(_pausedUntil, TimeSpan.Zero) : null);
    }

    private void Recover(long now)
    {
        if (_pace >= _fullPace || now <= _recoverFrom)
        {
            return;
        }

        var windows = (double)(now - _recoverFrom) / _windowTicks;
        _pace = Math.Min(_fullPace, _pace + (_fullPace * RecoveryPerWindow * windows));
        _recoverFrom = now;
    }

    /// <summary>
    /// Credit earned since the last ask by every claim with callers waiting: the pace shared equally among projects, a
    /// project's share equally among its silos. A claim keeps at most two leases' worth (and at least one slot), so a
    /// silo that stops asking cannot hoard.
    /// </summary>
    private void Accrue(long now)
    {
        var from = Math.Max(_accruedAt, _pausedUntil);
        _accruedAt = now;
        if (from == long.MinValue || now <= from)
        {
            return;
        }

        var seconds = (double)(now - from) / TimeSpan.TicksPerSecond;
        var active = _claims.Where(static c => c.Value.Waiting > 0).ToList();
        var projects = active.GroupBy(static c => c.Key.Project, StringComparer.Ordinal).ToList();
        foreach (var project in projects)
        {
            var share = _pace / projects.Count / project.Count();
            var cap = Math.Max(1.0, share * 2 * _aheadTicks / TimeSpan.TicksPerSecond);
            foreach (var claim in project)
            {
                claim.Value.Credit = Math.Min(cap, claim.Value.Credit + (share * seconds));
                claim.Value.Cap = cap;
            }
        }
    }

    private void Refresh(string silo, IReadOnlyList<ProjectDemand> waiting, long now)
    {
        foreach (var claim in _claims.Where(c => c.Key.Silo == silo))
        {
            claim.Value.Waiting = 0;
            claim.Value.SeenAt = now;
        }

        foreach (var demand in waiting.Where(static w => w.Callers > 0))
        {
            if (!_claims.TryGetValue((demand.Project, silo), out var claim))
            {
                // A newcomer may send one call at once: a project never waits for its first share to build up.
                claim = new Claim { Credit = 1 };
                _claims[(demand.Project, silo)] = claim;
            }

            claim.Waiting = demand.Callers;
            claim.SeenAt = now;
        }
    }

    private void Expire(long now)
    {
        while (_handed.TryPeek(out var due) && due < now)
        {
            _handed.Dequeue();
        }

        foreach (var (key, claim) in _claims.ToList())
        {
            // A claim served to the last caller stays (not earning) until its silo goes quiet, so its credit or debt
            // counts when its next caller comes.
            if (now - claim.SeenAt > _staleTicks)
            {
                _claims.Remove(key);
            }
        }
    }

    private TimeSpan AskAgainIn(long now, bool unmet)
    {
        // Slots are given up to LeaseAhead from now: the next one can be had once the horizon reaches it.
        var ahead = TimeSpan.FromTicks(_aheadTicks);
        if (!unmet)
        {
            return ahead / 2;
        }

        // A project in debt may take what would run dry within half a lease; one in credit anything within the lease.
        var nextFree = Math.Max(_next, _pausedUntil) - (_aheadTicks / 2) - now;
        return TimeSpan.FromTicks(Math.Clamp(nextFree, _aheadTicks / 10, Math.Max(_aheadTicks / 2, _pausedUntil - now - _aheadTicks)));
    }

    private TimeSpan PausedFor(long now) => _pausedUntil > now ? TimeSpan.FromTicks(_pausedUntil - now) : TimeSpan.Zero;

    private sealed class Claim
    {
        public int Waiting { get; set; }

        public long SeenAt { get; set; }

        public double Credit { get; set; }

        /// <summary>Most credit it may hold, and most debt: two leases' worth of its share.</summary>
        public double Cap { get; set; } = 1;
    }
}
