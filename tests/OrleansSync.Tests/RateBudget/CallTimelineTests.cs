using OrleansSync.RateBudget;

namespace OrleansSync.Tests.RateBudget;

/// <summary>
/// The budget's timeline on a clock the test moves: pace under the limit in every window, leases no further ahead than
/// allowed, a 429's pause and shrink and the recovery after it, and equal shares for projects however their callers
/// are spread over silos.
/// </summary>
public sealed class CallTimelineTests
{
    private static readonly long Start = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero).UtcTicks;
    private static readonly TimeSpan Ahead = TimeSpan.FromMilliseconds(250);

    [Fact]
    public void Lease_BusyForTenWindows_NoWindowHoldsMoreThanTheLimitAndThePaceIsKept()
    {
        var timeline = new CallTimeline(20, TimeSpan.FromSeconds(1), 0.97, Ahead);
        var sim = new Simulation(timeline);
        sim.Backlog("silo-0", "p1", 10_000);

        sim.Run(TimeSpan.FromSeconds(10), step: TimeSpan.FromMilliseconds(37));

        var slots = sim.Slots.Select(static s => s.Due).Order().ToList();
        Assert.InRange(MaxInAnyWindow(slots, TimeSpan.FromSeconds(1)), 18, 20);
        // 10 s at 97 % of 20/s: 194 slots, give or take the first and the last lease.
        Assert.InRange(slots.Count(s => s < Start + TimeSpan.FromSeconds(10).Ticks), 190, 196);
        Assert.All(slots.Zip(slots.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromMilliseconds(51).Ticks, "slots are spaced by 1 / pace"));
    }

    [Fact]
    public void Lease_GivesWhatTheShareEarnedNeverBeyondLeaseAheadNorMoreThanAreWaiting()
    {
        var timeline = new CallTimeline(200, TimeSpan.FromSeconds(1), 1.0, Ahead);
        var at = (double seconds) => Start + TimeSpan.FromSeconds(seconds).Ticks;

        // A newcomer may send one call at once (and one more of a pace nobody else claims); then its share (all of
        // the 200/s) earns 20 slots in 100 ms, and it may take the rest of the next 125 ms nobody else claims.
        var first = timeline.Lease("silo-0", [new ProjectDemand("p1", 1_000)], at(0));
        var second = timeline.Lease("silo-0", [new ProjectDemand("p1", 998)], at(0.1));
        // Two seconds idle earn no more than two leases' worth (100 slots), and none may be due beyond 250 ms.
        var third = timeline.Lease("silo-0", [new ProjectDemand("p1", 900)], at(2.1));
        var few = timeline.Lease("silo-1", [new ProjectDemand("p2", 3)], at(3));
        var none = timeline.Lease("silo-2", [], at(3.2));

        Assert.InRange(first.Slots.Count, 1, 2);
        Assert.All(first.Slots, s => Assert.InRange(s.DueIn, TimeSpan.Zero, Ahead / 2));
        Assert.InRange(second.Slots.Count, 20, 26);
        Assert.Equal(51, third.Slots.Count);
        Assert.All(third.Slots, s => Assert.InRange(s.DueIn, TimeSpan.Zero, Ahead));
        Assert.InRange(few.Slots.Count, 2, 3);
        Assert.Empty(none.Slots);
        Assert.True(third.AskAgainIn > TimeSpan.Zero && third.AskAgainIn <= Ahead);
    }

    [Fact]
    public void Throttle_PausesUntilRetryAfterShrinksOnceAndRecoversAfterQuietWindows()
    {
        var window = TimeSpan.FromSeconds(1);
        var timeline = new CallTimeline(20, window, 1.0, Ahead);
        var sim = new Simulation(timeline);
        sim.Backlog("silo-0", "p1", 10_000);
        sim.Run(TimeSpan.FromSeconds(2), step: TimeSpan.FromMilliseconds(50));

        // Three calls in flight meet the same full window: one event.
        var throttledAt = sim.Now;
        timeline.Throttle(TimeSpan.FromSeconds(2), throttledAt);
        timeline.Throttle(TimeSpan.FromSeconds(2), throttledAt + TimeSpan.FromMilliseconds(3).Ticks);
        timeline.Throttle(TimeSpan.FromSeconds(2), throttledAt + TimeSpan.FromMilliseconds(9).Ticks);
        var stats = timeline.Stats("reviews", throttledAt + TimeSpan.FromMilliseconds(10).Ticks);
        Assert.Equal(3, stats.Throttled);
        Assert.Equal(1, stats.Shrinks);
        Assert.Equal(18, stats.CallsPerSecond, precision: 3);
        Assert.NotNull(stats.PausedUntil);

        var before = sim.Slots.Count;
        sim.Run(TimeSpan.FromSeconds(6), step: TimeSpan.FromMilliseconds(50));

        var after = sim.Slots.Skip(before).Select(static s => s.Due).Order().ToList();
        Assert.True(after[0] >= throttledAt + TimeSpan.FromSeconds(2).Ticks + TimeSpan.FromMilliseconds(9).Ticks, "no slot inside the pause Retry-After asked for");
        // Right after the pause the pace is 18/s; once a window passes without a 429 it climbs back to 20/s.
        Assert.InRange(CountBetween(after, throttledAt + TimeSpan.FromSeconds(2.1).Ticks, throttledAt + TimeSpan.FromSeconds(3.1).Ticks), 17, 19);
        Assert.Equal(20, timeline.CallsPerSecond, precision: 3);
        Assert.InRange(CountBetween(after, sim.Now - TimeSpan.FromSeconds(1.2).Ticks, sim.Now - TimeSpan.FromSeconds(0.2).Ticks), 19, 21);
    }

    [Fact]
    public void Lease_TwoProjectsOneOnThreeSilos_EachProjectGetsHalfAndASmallOneIsServedAtOnce()
    {
        var timeline = new CallTimeline(30, TimeSpan.FromSeconds(1), 1.0, Ahead);
        var sim = new Simulation(timeline);
        sim.Backlog("silo-0", "big", 10_000);
        sim.Backlog("silo-1", "big", 10_000);
        sim.Backlog("silo-2", "big", 10_000);
        sim.Backlog("silo-2", "other", 10_000);

        sim.Run(TimeSpan.FromSeconds(20), step: TimeSpan.FromMilliseconds(40));

        var big = sim.Slots.Count(static s => s.Project == "big");
        var other = sim.Slots.Count(static s => s.Project == "other");
        Assert.InRange((double)big / other, 0.95, 1.05);
        // Within the big project, its three silos share its half.
        var perSilo = sim.Slots.Where(static s => s.Project == "big").GroupBy(static s => s.Silo).Select(static g => g.Count()).ToList();
        Assert.Equal(3, perSilo.Count);
        Assert.InRange((double)perSilo.Max() / perSilo.Min(), 1.0, 1.1);

        // A third project with a single caller, behind 30,000 waiting ones: its slot comes within a couple of turns.
        var askedAt = sim.Now;
        sim.Backlog("silo-1", "small", 1);
        sim.Run(TimeSpan.FromSeconds(1), step: TimeSpan.FromMilliseconds(40));
        var small = Assert.Single(sim.Slots, static s => s.Project == "small");
        Assert.True(small.Due - askedAt <= TimeSpan.FromMilliseconds(400).Ticks, $"the small project waited {TimeSpan.FromTicks(small.Due - askedAt).TotalMilliseconds} ms");
    }

    [Fact]
    public void Lease_SiloStopsAsking_ItsShareGoesToTheOthers()
    {
        var timeline = new CallTimeline(40, TimeSpan.FromSeconds(1), 1.0, Ahead);
        var sim = new Simulation(timeline);
        sim.Backlog("silo-0", "p1", 10_000);
        sim.Backlog("silo-1", "p2", 10_000);
        sim.Run(TimeSpan.FromSeconds(1), step: TimeSpan.FromMilliseconds(50));

        sim.Silence("silo-1");
        var before = sim.Slots.Count(static s => s.Project == "p1");
        sim.Run(TimeSpan.FromSeconds(3), step: TimeSpan.FromMilliseconds(50));

        Assert.Equal(1, timeline.Stats("reviews", sim.Now).Projects);
        // Once silo-1's claim is dropped (it stopped asking), p1 takes the whole pace: 40/s over the last two seconds.
        var late = sim.Slots.Skip(before).Count(s => s.Project == "p1" && s.Due >= sim.Now - TimeSpan.FromSeconds(2.25).Ticks && s.Due < sim.Now - Ahead.Ticks);
        Assert.InRange(late, 78, 81);
    }

    private static int MaxInAnyWindow(List<long> sorted, TimeSpan window)
    {
        var max = 0;
        var first = 0;
        for (var i = 0; i < sorted.Count; i++)
        {
            while (sorted[i] - sorted[first] >= window.Ticks)
            {
                first++;
            }

            max = Math.Max(max, i - first + 1);
        }

        return max;
    }

    private static int CountBetween(List<long> sorted, long from, long to) => sorted.Count(t => t >= from && t < to);

    /// <summary>Silos that ask the timeline in turn at every step, with callers that wait until their slot comes.</summary>
    private sealed class Simulation(CallTimeline timeline)
    {
        private readonly Dictionary<string, Dictionary<string, int>> _waiting = new(StringComparer.Ordinal);
        private readonly HashSet<string> _silent = new(StringComparer.Ordinal);

        public long Now { get; private set; } = Start;

        public List<(string Silo, string Project, long Due)> Slots { get; } = [];

        public void Backlog(string silo, string project, int callers)
        {
            if (!_waiting.TryGetValue(silo, out var projects))
            {
                projects = new Dictionary<string, int>(StringComparer.Ordinal);
                _waiting[silo] = projects;
            }

            projects[project] = projects.GetValueOrDefault(project) + callers;
        }

        public void Silence(string silo) => _silent.Add(silo);

        public void Run(TimeSpan duration, TimeSpan step)
        {
            var end = Now + duration.Ticks;
            while (Now < end)
            {
                foreach (var (silo, projects) in _waiting.Where(w => !_silent.Contains(w.Key)))
                {
                    var demand = projects.Where(static p => p.Value > 0).Select(static p => new ProjectDemand(p.Key, p.Value)).ToList();
                    var lease = timeline.Lease(silo, demand, Now);
                    foreach (var slot in lease.Slots)
                    {
                        projects[slot.Project]--;
                        Slots.Add((silo, slot.Project, Now + slot.DueIn.Ticks));
                    }
                }

                Now += step.Ticks;
            }
        }
    }
}
