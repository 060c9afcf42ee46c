using System.Globalization;
using OrleansSync.Emulator;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.RateBudget;

/// <summary>
/// Twenty projects on one credential: ACC's 200 calls a minute, scaled to 20 a second, so each call waits seconds for
/// its turn, far longer than the 1 s attempt timeout. Waiting for a permit is not a failure: every run succeeds at
/// its first attempt, no breaker trips, the projects share the budget evenly, and tasks say they wait for it.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed class BusyBudgetTests(ITestOutputHelper output)
{
    private const int Projects = 20;
    private const int ReviewsPerSecond = 20;

    [Fact]
    public async Task Sync_TwentyProjectsOnOneBusyCredential_AllSucceedWithoutFailuresAndShareEvenly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 191, Projects = Projects, ReviewsPerProject = 6, WorkflowsPerProject = 1, VersionsPerReview = 1, ProgressStepsPerReview = 1, ArchivedShare = 0 },
                RateLimits = new RateLimitOptions { Window = TimeSpan.FromSeconds(1), ReviewsPerWindow = ReviewsPerSecond, AdminPerWindow = 600, TokenPerWindow = 500 },
            },
            ct);
        var configuration = new Dictionary<string, string?>(SyncDriver.FastTasks)
        {
            [InProcessCluster.RateBudgetEnabledKey] = "true",
            ["OrleansSync:RateBudget:Window"] = "00:00:01",
            ["OrleansSync:RateBudget:Reviews"] = $"{ReviewsPerSecond}",
            ["OrleansSync:Acc:AttemptTimeout"] = "00:00:01",
            ["OrleansSync:Acc:TotalTimeout"] = "00:00:10",
            // Every task runs at once (4 of 20 projects per silo would otherwise wait for a run slot): the budget alone paces them.
            ["OrleansSync:Placement:MaxRunningPerSilo"] = $"{4 * Projects}",
        };
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct, configuration);
        await SyncDriver.AddProjectsAsync(cluster.Client, emulator, ct);

        var started = await SyncDriver.StartRunsAsync(cluster.Client, emulator.ProjectIds, ct);
        var waitingSeen = await Eventually.ValueAsync(
            async () => (await SyncDriver.CurrentTasksAsync(cluster.Client, emulator.ProjectIds[0], ct)).FirstOrDefault(static t => t.BudgetWaits > 0),
            TimeSpan.FromSeconds(30),
            "a task of the first project to show calls waiting for their turn at the budget",
            ct);
        var runs = await SyncDriver.WaitForRunsAsync(cluster.Client, started, ct, TimeSpan.FromMinutes(3));

        output.WriteLine($"seen waiting: {waitingSeen.Spec.TaskId} ({waitingSeen.BudgetWaits} call(s))");
        foreach (var (run, tasks) in runs)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{run.ProjectId}: {run.Status} in {(run.FinishedAt!.Value - run.StartedAt).TotalSeconds:0.0} s; {SyncDriver.Describe(tasks)}"));
        }

        Assert.All(runs, static r => Assert.True(r.Run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(r.Tasks)));
        var tasksOfAll = runs.SelectMany(static r => r.Tasks).ToList();
        Assert.All(tasksOfAll, static t => Assert.True(t.Attempts == 1 && t.Errors.Count == 0, $"{t.Spec.TaskId}: {t.Attempts} attempt(s), errors [{string.Join(" | ", t.Errors.Select(static e => e.Message))}]"));
        Assert.All(tasksOfAll, static t => Assert.Equal(0, t.Breaker?.Trips ?? 0));

        // Every project makes the same calls, so an even share of the budget shows as runs of about the same length.
        var durations = runs.Select(static r => (r.Run.FinishedAt!.Value - r.Run.StartedAt).TotalSeconds).ToList();
        Assert.True(durations.Min() >= durations.Max() * 0.8, $"runs took {string.Join(", ", durations.Select(static d => d.ToString("0.0", CultureInfo.InvariantCulture)))} s");
        var stats = emulator.GetStats();
        Assert.True(stats.QuotaRejections <= stats.Total / 100, $"{stats.QuotaRejections} of {stats.Total} calls met upstream's quota");
    }
}
