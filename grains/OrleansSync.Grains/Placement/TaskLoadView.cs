using Microsoft.Extensions.Options;

namespace OrleansSync.Placement;

/// <summary>
/// This silo's view of every silo's task load: the board's last answer, this silo's own slots (always fresh), and the
/// tasks this silo has placed since, which the board cannot know of yet.
/// </summary>
public sealed class TaskLoadView(TaskSlots slots, ILocalSiloDetails local, TimeProvider time, IOptions<TaskPlacementOptions> options)
{
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

    /// <summary>The least loaded of <paramref name="candidates"/> (ties broken at random), counted as loaded by one more task from now on.</summary>
    public SiloAddress Choose(SiloAddress[] candidates)
    {
        if (candidates.Length == 0)
        {
            throw new SiloUnavailableException("No active silo can host a task.");
        }

        var now = time.GetUtcNow();
        // A placement shows in the board after its task took a slot and both silos' next rounds: two periods and some.
        var counted = now - (options.Value.LoadRefreshPeriod * 2) - TimeSpan.FromMilliseconds(500);
        var (running, queued) = slots.Counts;
        lock (_lock)
        {
            while (_placed.TryPeek(out var oldest) && oldest.At < counted)
            {
                _placed.Dequeue();
            }

            SiloAddress? best = null;
            var bestLoad = int.MaxValue;
            var ties = 0;
            foreach (var silo in candidates)
            {
                var load = (silo.Equals(local.SiloAddress) ? running + queued : _board.GetValueOrDefault(silo))
                    + _placed.Count(p => p.Silo.Equals(silo));
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
