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

    // The children tasks follow the reviews as they land, so they may meet the outage too: at most this many reviews'
    // lists in flight, and this many failing reviews fail an attempt (upstream itself looks broken).
    private const int ChildrenWindow = 4;
    private const int FailingReviews = 3;

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
            ["OrleansSync:Streams:MaxChildrenInFlight"] = ChildrenWindow.ToString(CultureInfo.InvariantCulture),
            ["OrleansSync:Streams:ChildFailureMinimum"] = FailingReviews.ToString(CultureInfo.InvariantCulture),
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
                // The list tasks. The children tasks follow the reviews landed so far: they meet the outage and wait
                // too, or they had visited them all and wait (running) for more to land.
                var tasks = (await SyncDriver.CurrentTasksAsync(cluster.Client, projectId, ct)).Where(static t => t.Spec.LeaderTaskId is null);
                var live = tasks.Where(static t => !t.IsTerminal).ToList();
                return live.Count > 0 && live.All(static t => t.Status == SyncTaskStatus.Waiting && t.Breaker?.Phase == BreakerPhase.Open) ? live : null;
            },
            TimeSpan.FromSeconds(60),
            "every unfinished task to wait with its breaker open",
            ct);
        var openedAfter = outage.Elapsed;
        Assert.All(waiting, static t => Assert.True(t.NextAttemptAt > t.UpdatedAt, $"{t.Spec.Stream} waits until {t.NextAttemptAt}"));
        var waitingBefore = await WaitingIdsAsync(cluster, projectId, ct);
        var listed = await Infrastructure.Cli.RunAsync(new Dictionary<string, string> { ["ORLEANSSYNC_PG"] = cluster.Database.ConnectionString }, ct, "task", "list", "--status", "waiting", "--json");
        Assert.True(listed.ExitCode == 0, listed.StdErr);
        using (var json = JsonDocument.Parse(listed.StdOut))
        {
            // The list tasks' (children tasks, probing every moment, may have moved on since the progress row was written).
            var ids = json.RootElement.GetProperty("tasks").EnumerateArray().Select(static t => t.GetProperty("taskId").GetString())
                .Where(static id => id!.Contains(":reviews:", StringComparison.Ordinal) || id.Contains(":workflows:", StringComparison.Ordinal)).ToHashSet();
            // What the CLI lists waited just before or just after it read (a probe may run in between).
            Assert.Superset(ids, waitingBefore.Union(await WaitingIdsAsync(cluster, projectId, ct)).ToHashSet());
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
        // A children task that met the outage dead-lettered the reviews that failed before it took upstream as
        // broken (fewer than FailingReviews per attempt), and fetches none twice in one walk: the next run does. The
        // list tasks dead-letter nothing: a failed page fails the attempt.
        var deadLetters = await cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM sync.dead_letters WHERE project_id = @p AND stream NOT IN ('review_versions', 'review_progress')", ct, ("p", projectId));
        Assert.Equal(0, deadLetters);
        var (next, nextTasks) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct);
        Assert.True(next.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(nextTasks));
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        var tripped = tasks.Where(t => waiting.Any(w => w.Spec.TaskId == t.Spec.TaskId)).ToList();
        Assert.All(tripped, static t => Assert.True(t.Breaker is { Phase: BreakerPhase.Closed, Trips: >= 1 }, $"{t.Spec.Stream}: {t.Breaker}"));
        // Each tripped breaker opened, went half-open at least once, and closed: all counted for /metrics.
        Assert.True(transitions.Total >= 3 * tripped.Count, $"{transitions.Total} breaker transitions");
        // Bound: per waiting task, the failures that open the breaker, then one probe per open period (doubling from
        // OpenTime to MaxOpenTime) that fits in the outage, plus the one due when it ends; each run tries a token call
        // and a page call, each with one client retry; a children task, a token call and the reviews' lists it may have
        // in flight before FailingReviews of them failed.
        var attempts = 3 + ProbesWithin(lasted) + 1;
        var children = tasks.Count(static t => t.Spec.LeaderTaskId is not null);
        var bound = (waiting.Count * attempts * 2 * 2) + (children * attempts * (1 + FailingReviews + ChildrenWindow - 1) * 2);
        output.WriteLine($"outage {lasted.TotalSeconds:0.0} s: breakers of {waiting.Count} task(s) open after {openedAfter.TotalSeconds:0.0} s; " +
            $"{refused} upstream calls refused during the outage (bound {bound}); recovery to completion {recoveredIn.TotalSeconds:0.0} s; {SyncDriver.Describe(tasks)}");
        Assert.InRange(refused, 1, bound);
    }

    private static async Task<HashSet<string?>> WaitingIdsAsync(InProcessCluster cluster, string projectId, CancellationToken ct) =>
        [.. (await SyncDriver.CurrentTasksAsync(cluster.Client, projectId, ct)).Where(static t => t.Status == SyncTaskStatus.Waiting).Select(static t => (string?)t.Spec.TaskId)];

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
