using Microsoft.Extensions.Options;

namespace OrleansSync.Placement;

/// <summary>
/// This silo's view of every silo's task load: the board's last answer, plus the tasks this silo has placed that the
/// board cannot know of yet. Each of those counts as one task per candidate silo (Orleans' activation-count trick):
/// the other silos are likely placing on the same stale view at the same moment, and without it they would all pile
/// onto the same least loaded silo. Its own silo is read from the board like the others: counted fresher, it would
/// shy away from itself, and a silo that places nothing (one that just joined) would take more than its share.
/// </summary>
public sealed class TaskLoadView(TimeProvider time, IOptions<TaskPlacementOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Queue<(SiloAddress Silo, DateTimeOffset At)> _placed = new();
    private Dictionary<SiloAddress, int> _board = [];
    private DateTimeOffset _boardAt;

    public void Update(Dictionary<SiloAddress, int> board)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            (_board, _boardAt) = (board, now);
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
            // The board shows a placement once its task has a slot (give it a moment) and its silo has reported since.
            var counted = _boardAt - options.Value.LoadRefreshPeriod - TimeSpan.FromMilliseconds(250);
            while (_placed.TryPeek(out var oldest) && oldest.At < counted)
            {
                _placed.Dequeue();
            }

            SiloAddress? best = null;
            var bestLoad = int.MaxValue;
            var ties = 0;
            foreach (var silo in candidates)
            {
                var load = _board.GetValueOrDefault(silo) + (candidates.Length * _placed.Count(p => p.Silo.Equals(silo)));
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
