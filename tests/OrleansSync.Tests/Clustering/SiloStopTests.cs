using System.Diagnostics;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Clustering;

/// <summary>
/// Every silo's event relay long-polls the one sequencer grain. A running request holds its activation's
/// deactivation, so a poll left to run out held the shutdown of the silo hosting the sequencer for the whole wait
/// (20 s by default, on every in-process test cluster and every rolling restart).
/// </summary>
public sealed class SiloStopTests
{
    // A poll longer than the 30 s after which the stop went on without it: before the fix, the stop that held a poll
    // took 30.2 s here; since, each takes well under a second. Half of that 30 s tells the two apart under load.
    private static readonly TimeSpan RelayPoll = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task StopSilo_RelaysLongPollingTheSequencer_EachSiloStopsWithoutWaitingOutThePoll()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct, new Dictionary<string, string?>
        {
            ["OrleansSync:Events:RelayPoll"] = RelayPoll.ToString(),
        });

        // Both relays are polling from the moment their silos became active; nothing is raised, so each poll runs its
        // whole minute. Whichever silo hosts the sequencer, one of the two stops below is the one it would hold.
        foreach (var silo in cluster.Cluster.GetActiveSilos().ToList())
        {
            var clock = Stopwatch.StartNew();
            await cluster.Cluster.StopSiloAsync(silo, ct);
            Assert.True(clock.Elapsed < Bound, $"stopping {silo.Name} took {clock.Elapsed.TotalSeconds:F1} s (a relay polls {RelayPoll.TotalSeconds} s)");
        }
    }
}
