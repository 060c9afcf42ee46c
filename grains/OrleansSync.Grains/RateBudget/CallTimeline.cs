namespace OrleansSync.RateBudget;

/// <summary>
/// One family's calls of one credential, on one timeline: slots spaced by the pace (the limit with its headroom), never
/// more than one at an instant, so no window of upstream's ever holds more calls than its limit. Slots are granted only
/// up to <c>LeaseAhead</c> from now, round robin over the projects with callers waiting (and over the silos a
/// project's callers wait on), so each project gets an equal share whatever its number of tasks, and none starves.
/// A slot reserved for a silo waits for that silo's next ask; one it does not take in time is wasted, not moved.
/// A 429 pauses the timeline until its Retry-After has passed and slows the pace (×0.8, down to a quarter); a window
/// without one brings it back (a tenth of the limit per window).
/// Plain data, no clock of its own: every call passes "now", so tests drive it with any clock.
/// </summary>
public sealed class CallTimeline
{
    private const double ShrinkFactor = 0.8;
    private const double SlowestShare = 0.25;
    private const double RecoveryPerWindow = 0.1;

    private readonly double _fullPace;
    private readonly long _windowTicks;
    private readonly long _aheadTicks;
    private readonly long _graceTicks;
    private readonly long _staleTicks;
    private readonly List<ProjectQueue> _projects = [];
    private readonly Queue<long> _handed = new();
    private double _pace;
    private long _next = long.MinValue;
    private long _pausedUntil = long.MinValue;
    private long _lastThrottle = long.MinValue;
    private long _recoverFrom;
    private int _cursor;

    /// <param name="limit">Calls upstream allows per <paramref name="window"/>; more than 0.</param>
    /// <param name="window">Upstream's window.</param>
    /// <param name="headroom">Share of the limit spent (0.1 to 1).</param>
    /// <param name="leaseAhead">How far ahead of now slots are granted.</param>
    public CallTimeline(int limit, TimeSpan window, double headroom, TimeSpan leaseAhead)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        Limit = limit;
        Window = window;
        _windowTicks = window.Ticks;
        _fullPace = limit * headroom / window.TotalSeconds;
        _pace = _fullPace;
        _aheadTicks = leaseAhead.Ticks;
        _graceTicks = RateBudgetOptions.Grace(window, leaseAhead).Ticks;
        // A silo with callers waiting asks at least once per LeaseAhead; one silent for two of them (and a little) has
        // left or stalled, and the slots kept for it would be wasted.
        _staleTicks = (2 * _aheadTicks) + (TimeSpan.TicksPerSecond / 10);
    }

    public int Limit { get; }

    public TimeSpan Window { get; }

    /// <summary>Slots granted per second now.</summary>
    public double CallsPerSecond => _pace;

    public long Granted { get; private set; }

    public long Wasted { get; private set; }

    public long Throttled { get; private set; }

    public long Shrinks { get; private set; }

    private long Spacing => (long)(TimeSpan.TicksPerSecond / _pace);

    /// <summary>Takes <paramref name="silo"/>'s callers waiting now, grants slots up to the lease horizon and hands the silo its own.</summary>
    /// <param name="silo">The asking silo.</param>
    /// <param name="waiting">Its callers waiting now, by project; replaces what it reported before.</param>
    /// <param name="now">Ticks of the caller's clock (UTC).</param>
    public RateLease Lease(string silo, IReadOnlyList<ProjectDemand> waiting, long now)
    {
        Recover(now);
        Refresh(silo, waiting, now);
        Expire(now);
        Fill(now);

        var slots = new List<LeasedSlot>();
        foreach (var project in _projects)
        {
            if (project.Silos.TryGetValue(silo, out var entry))
            {
                while (entry.Reserved.TryDequeue(out var due))
                {
                    slots.Add(new LeasedSlot(project.Id, TimeSpan.FromTicks(due - now)));
                    _handed.Enqueue(due);
                }
            }
        }

        slots.Sort(static (a, b) => a.DueIn.CompareTo(b.DueIn));
        var unmet = waiting.Sum(static w => w.Callers) > slots.Count;
        return new RateLease(slots, AskAgainIn(now, unmet), PausedFor(now), _pace);
    }

    /// <summary>A 429: no slot before <paramref name="retryAfter"/> has passed, and a slower pace unless one slowed it within the last Retry-After.</summary>
    public void Throttle(TimeSpan retryAfter, long now)
    {
        Throttled++;
        var until = now + Math.Max(0, retryAfter.Ticks);
        _pausedUntil = Math.Max(_pausedUntil, until);

        // The calls in flight when upstream's window filled all meet the same 429: one event, one shrink.
        if (_lastThrottle == long.MinValue || now - _lastThrottle > Math.Max(retryAfter.Ticks, TimeSpan.TicksPerSecond))
        {
            _pace = Math.Max(_fullPace * SlowestShare, _pace * ShrinkFactor);
            Shrinks++;
        }

        _lastThrottle = now;
        // Back up to speed only once a whole window after the pause has passed without another 429.
        _recoverFrom = _pausedUntil + _windowTicks;
        foreach (var entry in _projects.SelectMany(static p => p.Silos.Values))
        {
            Wasted += entry.DropBefore(_pausedUntil);
        }

        _next = Math.Max(_next, _pausedUntil);
    }

    public FamilyBudgetStats Stats(string family, long now)
    {
        Expire(now);
        var reserved = _projects.SelectMany(static p => p.Silos.Values).Sum(static e => e.Reserved.Count);
        var waiting = _projects.SelectMany(static p => p.Silos.Values).Sum(static e => e.Waiting);
        var projects = _projects.Count(static p => p.Silos.Values.Any(static e => e.Waiting > 0));
        return new FamilyBudgetStats(
            family, Limit, Window.TotalSeconds, Math.Round(_pace, 3), Granted, reserved + _handed.Count, waiting, projects, Wasted, Throttled, Shrinks,
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

    private void Refresh(string silo, IReadOnlyList<ProjectDemand> waiting, long now)
    {
        foreach (var project in _projects)
        {
            if (project.Silos.TryGetValue(silo, out var entry))
            {
                entry.Waiting = 0;
                entry.SeenAt = now;
            }
        }

        foreach (var demand in waiting.Where(static w => w.Callers > 0))
        {
            var project = _projects.Find(p => p.Id == demand.Project);
            if (project is null)
            {
                project = new ProjectQueue(demand.Project);
                _projects.Add(project);
            }

            if (!project.Silos.TryGetValue(silo, out var entry))
            {
                entry = new SiloDemand(silo);
                project.Silos.Add(silo, entry);
            }

            entry.Waiting = demand.Callers;
            entry.SeenAt = now;
        }
    }

    private void Expire(long now)
    {
        while (_handed.TryPeek(out var due) && due < now)
        {
            _handed.Dequeue();
        }

        foreach (var project in _projects)
        {
            foreach (var entry in project.Silos.Values.ToList())
            {
                Wasted += entry.DropBefore(now - _graceTicks);
                if (now - entry.SeenAt > _staleTicks)
                {
                    Wasted += entry.Reserved.Count;
                    project.Silos.Remove(entry.Silo);
                }
                else if (entry.Waiting == 0 && entry.Reserved.Count == 0)
                {
                    project.Silos.Remove(entry.Silo);
                }
            }
        }

        var before = _projects.Count;
        _projects.RemoveAll(static p => p.Silos.Count == 0);
        if (_projects.Count != before)
        {
            _cursor = _projects.Count == 0 ? 0 : _cursor % _projects.Count;
        }
    }

    private void Fill(long now)
    {
        var slot = Math.Max(Math.Max(_next, now), _pausedUntil);
        while (slot <= now + _aheadTicks && NextUnmet() is { } entry)
        {
            entry.Reserved.Enqueue(slot);
            Granted++;
            slot += Spacing;
            _next = slot;
        }
    }

    /// <summary>The next project in turn with a caller no slot is reserved for yet; within it, the next silo in turn.</summary>
    private SiloDemand? NextUnmet()
    {
        for (var i = 0; i < _projects.Count; i++)
        {
            var project = _projects[(_cursor + i) % _projects.Count];
            if (project.NextUnmet() is { } entry)
            {
                _cursor = (_cursor + i + 1) % _projects.Count;
                return entry;
            }
        }

        return null;
    }

    private TimeSpan AskAgainIn(long now, bool unmet)
    {
        // Slots are granted up to LeaseAhead from now: the next one can be had once the horizon reaches it.
        var ahead = TimeSpan.FromTicks(_aheadTicks);
        if (!unmet)
        {
            return ahead / 2;
        }

        var nextFree = Math.Max(_next, _pausedUntil) - _aheadTicks - now;
        return TimeSpan.FromTicks(Math.Clamp(nextFree, _aheadTicks / 4, Math.Max(_aheadTicks, _pausedUntil - now - _aheadTicks)));
    }

    private TimeSpan PausedFor(long now) => _pausedUntil > now ? TimeSpan.FromTicks(_pausedUntil - now) : TimeSpan.Zero;

    private sealed class ProjectQueue(string id)
    {
        private int _cursor;

        public string Id { get; } = id;

        // Insertion order is kept while no entry is removed; round robin only needs a stable order between asks.
        public Dictionary<string, SiloDemand> Silos { get; } = new(StringComparer.Ordinal);

        public SiloDemand? NextUnmet()
        {
            var entries = Silos.Values.ToList();
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[(_cursor + i) % entries.Count];
                if (entry.Waiting > entry.Reserved.Count)
                {
                    _cursor = (_cursor + i + 1) % entries.Count;
                    return entry;
                }
            }

            return null;
        }
    }

    private sealed class SiloDemand(string silo)
    {
        public string Silo { get; } = silo;

        public int Waiting { get; set; }

        public long SeenAt { get; set; }

        public Queue<long> Reserved { get; } = new();

        /// <summary>Drops the reserved slots due before <paramref name="time"/>; returns how many.</summary>
        public int DropBefore(long time)
        {
            var dropped = 0;
            while (Reserved.TryPeek(out var due) && due < time)
            {
                Reserved.Dequeue();
                dropped++;
            }

            return dropped;
        }
    }
}
