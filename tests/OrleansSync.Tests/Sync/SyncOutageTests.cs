using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OrleansSync.Emulator;
using OrleansSync.Resilience;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>
/// An upstream that refuses everything for many open periods of the breakers: breakers open, tasks wait, and the sync
/// completes after. The breakers' times are scaled down with the outage (production: 30 s doubling to 10 min, an
/// outage of hours), so the scenario plays out in half a minute.
/// </summary>
public sealed class SyncOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan OpenTime = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxOpenTime = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Sync_UpstreamRefusesEverythingForManyOpenPeriods_BreakersOpenCallsStayBoundedAndSyncCompletesExactly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 61, Projects = 1, ReviewsPerProject = 150, WorkflowsPerProject = 4, VersionsPerReview = 2, ProgressStepsPerReview = 2 },
                RateLimits = RateLimitOptions.Unlimited,
                Faults = new FaultSettings { LatencyMs = 30 },
            },
            ct);
        var configuration = new Dictionary<string, string?>(SyncDriver.FastBreakers)
        {
            ["OrleansSync:Acc:PageSize"] = "10",
            ["OrleansSync:Tasks:Breaker:OpenTime"] = OpenTime.ToString("c", CultureInfo.InvariantCulture),
            ["OrleansSync:Tasks:Breaker:MaxOpenTime"] = MaxOpenTime.ToString("c", CultureInfo.InvariantCulture),
        };
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct, configuration);
        using var transitions = new CounterListener(cluster, Telemetry.SyncMetrics.MeterName, "orleanssync.breaker.transitions");
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        var started = await SyncDriver.StartAndWaitForReviewPagesAsync(cluster.Client, projectId, 2, ct);

        emulator.SetFaults(emulator.Faults with { OutageStatus = 503 });
        var outage = Stopwatch.StartNew();
        var outagesBefore = emulator.GetStats().InjectedOutages;
        var waiting = await Eventually.ValueAsync(
            async () =>
            {
                var tasks = await SyncDriver.CurrentTasksAsync(cluster.Client, projectId, ct);
                var live = tasks.Where(static t => !t.IsTerminal).ToList();
                return live.Count > 0 && live.All(static t => t.Status == SyncTaskStatus.Waiting && t.Breaker?.Phase == BreakerPhase.Open) ? live : null;
            },
            TimeSpan.FromSeconds(60),
            "every unfinished task to wait with its breaker open",
            ct);
        var openedAfter = outage.Elapsed;
        Assert.All(waiting, static t => Assert.True(t.NextAttemptAt > t.UpdatedAt, $"{t.Spec.Stream} waits until {t.NextAttemptAt}"));
        var listed = await Infrastructure.Cli.RunAsync(new Dictionary<string, string> { ["ORLEANSSYNC_PG"] = cluster.Database.ConnectionString }, ct, "task", "list", "--status", "waiting", "--json");
        Assert.True(listed.ExitCode == 0, listed.StdErr);
        using (var json = JsonDocument.Parse(listed.StdOut))
        {
            var ids = json.RootElement.GetProperty("tasks").EnumerateArray().Select(static t => t.GetProperty("taskId").GetString()).ToHashSet();
            Assert.Superset(ids, waiting.Select(static t => (string?)t.Spec.TaskId).ToHashSet());
        }

        // The outage is the scenario: it lasts its time whatever the tasks do.
        await Task.Delay(Outage - outage.Elapsed, ct);
        var duringOutage = await SyncDriver.CurrentTasksAsync(cluster.Client, projectId, ct);
        Assert.All(duringOutage, static t => Assert.NotEqual(SyncTaskStatus.Failed, t.Status));
        emulator.SetFaults(emulator.Faults with { OutageStatus = 0 });
        // What it lasted, as this test ended it: a loaded machine may end it later than planned.
        var lasted = outage.Elapsed;
        var refused = emulator.GetStats().InjectedOutages - outagesBefore;
        var recovery = Stopwatch.StartNew();

        var (run, tasks) = await SyncDriver.WaitForRunAsync(cluster.Client, projectId, started.Run.RunId, ct, TimeSpan.FromMinutes(2));
        var recoveredIn = recovery.Elapsed;

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        var tripped = tasks.Where(t => waiting.Any(w => w.Spec.TaskId == t.Spec.TaskId)).ToList();
        Assert.All(tripped, static t => Assert.True(t.Breaker is { Phase: BreakerPhase.Closed, Trips: >= 1 }, $"{t.Spec.Stream}: {t.Breaker}"));
        // Each tripped breaker opened, went half-open at least once, and closed: all counted for /metrics.
        Assert.True(transitions.Total >= 3 * tripped.Count, $"{transitions.Total} breaker transitions");
        // Bound: per waiting task, the failures that open the breaker, then one probe per open period (doubling from
        // OpenTime to MaxOpenTime) that fits in the outage, plus the one due when it ends; each run tries a token call
        // and a page call, each with one client retry.
        var bound = waiting.Count * (3 + ProbesWithin(lasted) + 1) * 2 * 2;
        output.WriteLine($"outage {lasted.TotalSeconds:0.0} s: breakers of {waiting.Count} task(s) open after {openedAfter.TotalSeconds:0.0} s; " +
            $"{refused} upstream calls refused during the outage (bound {bound}); recovery to completion {recoveredIn.TotalSeconds:0.0} s; {SyncDriver.Describe(tasks)}");
        Assert.InRange(refused, 1, bound);
    }

    /// <summary>How many probes an open breaker makes within <paramref name="span"/>: one after each open period.</summary>
    private static int ProbesWithin(TimeSpan span)
    {
        var (probes, open, elapsed) = (0, OpenTime, OpenTime);
        while (elapsed <= span)
        {
            probes++;
            open = open * 2 < MaxOpenTime ? open * 2 : MaxOpenTime;
            elapsed += open;
        }

        return probes;
    }
}
