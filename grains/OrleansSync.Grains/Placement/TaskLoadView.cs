using Microsoft.Extensions.Options;

namespace OrleansSync.Placement;

/// <summary>
/// This silo's view of every silo's task load: the board's last answer, or, when more, the tasks this silo has placed
/// lately, each counted once per candidate silo (Orleans' activation-count trick): the other silos are likely placing
/// on the same stale view at the same moment, and without it they would all pile onto the same least loaded silo.
/// The larger of the two, not their sum: a placement reaches the board only once its task has activated and its silo
/// has reported, which under load takes anywhere from a moment to seconds. Summed, a silo whose tasks showed on the
/// board sooner looked loaded twice and the slowest silo took the burst; forgotten early, the same. Its own silo is
/// read from the board like the others: counted fresher, it would shy away from itself, and a silo that places
/// nothing (one that just joined) would take more than its share.
/// </summary>
public sealed class TaskLoadView(TimeProvider time, IOptions<TaskPlacementOptions> options)
{
    /// <summary>How long a task may take from its placement to its activation's first report, beyond two report rounds.</summary>
    private static readonly TimeSpan PlacementShowsWithin = TimeSpan.FromSeconds(3);

    private readonly Lock _lock = new();
    private readonly Queue<(SiloAddress Silo, DateTimeOffset At)> _placed = new();
    private Dictionary<SiloAddress, int> _board = [];

    public void Update(Dictionary<SiloAddress, int> board)
    {
        lock (_lock)
        {
            _board = board;
        }
    }

    /// <summary>The least loaded of <paramref name="candidates"/> (ties broken at random), from now on counted as loaded by this placement until the board shows it.</summary>
    public SiloAddress Choose(SiloAddress[] candidates)
    {
        if (candidates.Length == 0)
        {
            throw new SiloUnavailableException("No active silo can host a task.");
        }

        var now = time.GetUtcNow();
        lock (_lock)
        {
            // Long enough for a placement to show on the board under load: its task activates, its silo reports.
            var remembered = now - (options.Value.LoadRefreshPeriod * 2) - PlacementShowsWithin;
            while (_placed.TryPeek(out var oldest) && oldest.At < remembered)
            {
                _placed.Dequeue();
            }

            SiloAddress? best = null;
            var bestLoad = int.MaxValue;
            var ties = 0;
            foreach (var silo in candidates)
            {
                var load = Math.Max(_board.GetValueOrDefault(silo), candidates.Length * _placed.Count(p => p.Silo.Equals(silo)));
                if (load < bestLoad)
                {
                    (best, bestLoad, ties) = (silo, load, 1);
                }
                else if (load == bestLoad && Random.Shared.Next(++ties) == 0)
                {
                    best = silo;
                }
            }

            _placed.Enqueue((best!, now));
            return best!;
        }
    }
}
