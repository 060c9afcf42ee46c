using System.Globalization;
using OrleansSync.Emulator;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>
/// A silo that runs no task but holds part of the cluster's grain directory is killed while children tasks run on the
/// other two. No task was on it, so none may fetch anything twice: each review's lists are fetched exactly once. With
/// Orleans' default directory the survivors deactivated every activation whose registration the dead silo held, and
/// those tasks fetched again the lists they had in flight.
/// </summary>
public sealed class DirectoryHolderKillTests(ITestOutputHelper output)
{
    private const string ReviewsApi = "GET /construction/reviews/v1/projects/{projectId}";

    private const int Window = 4;

    [Fact]
    public async Task Sync_SiloHoldingOnlyDirectoryEntriesKilled_RunningTasksFetchEachListOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 91, Projects = 4, ReviewsPerProject = 300, WorkflowsPerProject = 3, VersionsPerReview = 1, ProgressStepsPerReview = 1, ArchivedShare = 0 },
                RateLimits = RateLimitOptions.Unlimited,
                // Slow, uneven answers: the children tasks run for half a minute, with lists fetched and not yet landed
                // (a later review's answer comes before the one ahead of it) whenever the kill comes.
                Faults = new FaultSettings { LatencyMs = 250, JitterMs = 250 },
            },
            ct);
        var environment = new Dictionary<string, string?>
        {
            [SyncDriver.SecretVariable] = emulator.DefaultClient.ClientSecret,
            ["OrleansSync__Tasks__WatchdogPeriod"] = "00:00:03",
            ["OrleansSync__Streams__MaxChildrenInFlight"] = Window.ToString(CultureInfo.InvariantCulture),
            // Every children task runs at once on the two first silos, none waits for a slot.
            ["OrleansSync__Placement__MaxRunningPerSilo"] = "16",
        };
        await using var cluster = await ProcessCluster.StartAsync(silos: 2, ct, environment);
        await using var connection = await cluster.ConnectAsync(ct);
        var client = connection.Client;
        await SyncDriver.AddProjectsAsync(client, emulator, ct);
        var started = await SyncDriver.StartRunsAsync(client, emulator.ProjectIds, ct);
        await Eventually.UntilAsync(
            async () => (await ChildTasksAsync(client, emulator.ProjectIds, ct)).Count(static t => t.Status == SyncTaskStatus.Running && t.Progress.Pages >= 3) == 2 * emulator.ProjectIds.Count,
            TimeSpan.FromMinutes(1),
            "every children task to run and land 3 pages",
            ct);

        // The third silo joins once every task is placed: it takes a share of the directory, and no task.
        var holder = cluster.StartSilo();
        await cluster.WaitForActiveAsync(3, ct);
        var joined = await ChildTasksAsync(client, emulator.ProjectIds, ct);
        // Registrations reach their new owner while the walks go on: a few more pages each, then the kill.
        var atKill = await Eventually.ValueAsync(
            async () => await ChildTasksAsync(client, emulator.ProjectIds, ct) is var now
                && now.All(t => t.IsTerminal || t.Progress.Pages >= joined.Single(j => j.Spec.TaskId == t.Spec.TaskId).Progress.Pages + 3) ? now : null,
            TimeSpan.FromMinutes(1),
            "every children task to land 3 more pages after the third silo joined",
            ct);
        await holder.KillAsync();
        var running = atKill.Where(static t => !t.IsTerminal).ToList();
        output.WriteLine($"killed {holder.Name} with {running.Count} children task(s) running: {string.Join(", ", running.Select(static t => $"{t.Spec.Stream} on {t.Silo} at page {t.Progress.Pages}"))}");
        Assert.All(atKill, t => Assert.NotEqual(holder.Name, t.Silo));
        Assert.True(running.Count >= emulator.ProjectIds.Count, $"only {running.Count} children task(s) still ran at the kill: the test proves nothing");

        var finals = await SyncDriver.WaitForRunsAsync(client, started, ct);
        foreach (var (run, tasks) in finals)
        {
            Assert.True(run.Status == SyncTaskStatus.Succeeded, $"{run.ProjectId}: {SyncDriver.Describe(tasks)}");
            var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, run.ProjectId, ct);
            Assert.True(differences.None, $"{run.ProjectId}: {MirrorComparison.Describe(differences)}");
        }

        // Facts of the dataset: one list per review and stream, each a single page.
        var reviews = emulator.ProjectIds.Count * 300;
        var stats = emulator.GetStats();
        var versions = stats.Count($"{ReviewsApi}/reviews/{{reviewId}}/versions", 200);
        var progress = stats.Count($"{ReviewsApi}/reviews/{{reviewId}}/progress", 200);
        output.WriteLine($"reviews {reviews}: versions fetched {versions} times, progress {progress} times; kill at {running.Count} running task(s)");
        Assert.Equal(reviews, versions);
        Assert.Equal(reviews, progress);
    }

    private static async Task<List<TaskView>> ChildTasksAsync(IClusterClient client, IReadOnlyList<string> projectIds, CancellationToken ct)
    {
        var views = new List<TaskView>();
        foreach (var projectId in projectIds)
        {
            views.AddRange((await SyncDriver.CurrentTasksAsync(client, projectId, ct)).Where(static t => t.Spec.Stream is "review_versions" or "review_progress"));
        }

        return views;
    }
}
