using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansSync.Placement;

namespace OrleansSync.Tests.Placement;

/// <summary>
/// Three silos' placement views, driven on a fake clock through a burst of placements like a cluster-wide sync start,
/// with a board that shows a task only once it has activated on its silo and that silo has reported.
/// </summary>
public sealed class TaskLoadViewTests
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(500);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// One silo is starved: its tasks take two seconds to activate, the others' a tenth of one. The board shows the
    /// other two silos' tasks first; the slow one must still get no more than its share.
    /// </summary>
    [Fact]
    public void Choose_BurstWhileOneSiloActivatesSlowly_EachSiloTakesItsShare()
    {
        var silos = Enumerable.Range(0, 3).Select(static i => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11_111 + i), 1)).ToArray();
        var activation = new[] { TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100) };
        var views = silos.Select(_ => new TaskLoadView(_clock, Options.Create(new TaskPlacementOptions { LoadRefreshPeriod = Refresh }))).ToArray();
        var placed = new List<(int Silo, DateTimeOffset Shows)>();
        var nextReport = _clock.GetUtcNow();

        // 120 tasks (30 projects × 4) placed 10 ms apart, each silo placing every third one.
        for (var task = 0; task < 120; task++)
        {
            if (_clock.GetUtcNow() >= nextReport)
            {
                var board = silos.Select((s, i) => (s, placed.Count(p => p.Silo == i && p.Shows <= _clock.GetUtcNow()))).ToDictionary(static e => e.s, static e => e.Item2);
                Array.ForEach(views, v => v.Update(new Dictionary<SiloAddress, int>(board)));
                nextReport += Refresh;
            }

            var chosen = Array.IndexOf(silos, views[task % 3].Choose(silos));
            placed.Add((chosen, _clock.GetUtcNow() + activation[chosen]));
            _clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        var perSilo = silos.Select((_, i) => placed.Count(p => p.Silo == i)).ToArray();
        Assert.True(perSilo.Max() <= 44 && perSilo.Min() >= 36, $"tasks per silo {string.Join("/", perSilo)}; an even share is 40");
    }

    /// <summary>A silo that joins an hour into a busy cluster reports nothing placed yet: it takes new tasks until it is level.</summary>
    [Fact]
    public void Choose_SiloJoinsABusyCluster_NewTasksGoThereUntilItIsLevel()
    {
        var silos = Enumerable.Range(0, 3).Select(static i => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11_111 + i), 1)).ToArray();
        var view = new TaskLoadView(_clock, Options.Create(new TaskPlacementOptions { LoadRefreshPeriod = Refresh }));
        view.Update(new Dictionary<SiloAddress, int> { [silos[0]] = 12, [silos[1]] = 12 });

        var chosen = Enumerable.Range(0, 4).Select(_ => view.Choose(silos)).ToList();

        Assert.All(chosen, s => Assert.Equal(silos[2], s));
    }
}
