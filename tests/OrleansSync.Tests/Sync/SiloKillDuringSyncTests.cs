using System.Text.Json;
using OrleansSync.Emulator;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>
/// Real silo processes; the silo running a task is killed with SIGKILL mid-stream. The task must finish on the
/// survivor from its last committed checkpoint, the mirror must be exact, and at most one page per task is fetched
/// again. <c>sync --wait</c> (a real CLI process) must ride through the loss of its gateway.
/// </summary>
public sealed class SiloKillDuringSyncTests(ITestOutputHelper output)
{
    private const string ReviewsApi = "GET /construction/reviews/v1/projects/{projectId}";

    [Fact]
    public async Task Sync_SiloRunningTasksAndGatewayKilled_TasksAndCliFinishOnSurvivorWithExactMirror()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 21, Projects = 1, ReviewsPerProject = 400, WorkflowsPerProject = 5, VersionsPerReview = 2, ProgressStepsPerReview = 2, ArchivedShare = 0.1 },
                RateLimits = RateLimitOptions.Unlimited,
                // Slow enough that the children tasks are mid-stream when their silo dies.
                Faults = new FaultSettings { LatencyMs = 40 },
            },
            ct);
        var environment = new Dictionary<string, string?>
        {
            [SyncDriver.SecretVariable] = emulator.DefaultClient.ClientSecret,
            ["OrleansSync__Tasks__WatchdogPeriod"] = "00:00:03",
            ["OrleansSync__Tasks__RetryBaseDelay"] = "00:00:00.200",
        };
        // One silo first: the CLI's only gateway, and the home of every grain of the run.
        await using var cluster = await ProcessCluster.StartAsync(silos: 1, ct, environment);
        var first = cluster.Silos[0];
        var projectId = emulator.ProjectIds[0];
        await using (var setup = await cluster.ConnectAsync(ct))
        {
            await SyncDriver.AddProjectAsync(setup.Client, emulator, projectId, ct);
        }

        var cli = Infrastructure.Cli.RunAsync(cluster.CliEnvironment(), ct, "sync", projectId, "--wait", "--json");
        await using var connection = await cluster.ConnectAsync(ct);
        var children = await Eventually.ValueAsync(() => ChildTasksAsync(connection.Client, projectId, minimumPages: 5, ct), TimeSpan.FromMinutes(2), "the children tasks to land 5 pages", ct);
        Assert.All(children, t => Assert.Equal(first.Name, t.Silo));
        await Eventually.UntilAsync(
            async () =>
            {
                var shown = await Infrastructure.Cli.RunAsync(cluster.CliEnvironment(), ct, "cluster", "--json");
                using var json = JsonDocument.Parse(shown.StdOut);
                return json.RootElement.GetProperty("silos").EnumerateArray().Single().GetProperty("runningTasks").GetInt64() == 2;
            },
            TimeSpan.FromSeconds(30),
            "orleanssync cluster to show the two children tasks running on the only silo",
            ct);
        var survivor = cluster.StartSilo();
        await cluster.WaitForActiveAsync(2, ct);
        var before = await ChildTasksAsync(connection.Client, projectId, minimumPages: 0, ct);
        await first.KillAsync();
        output.WriteLine($"killed {first.Name} (the CLI's gateway) while {SyncDriver.Describe(before!)}");
        Assert.All(before!, t => Assert.Equal(SyncTaskStatus.Running, t.Status));

        var result = await cli;
        Assert.True(result.ExitCode == 0, $"sync --wait exited {result.ExitCode}: {result.StdErr}");
        using var document = JsonDocument.Parse(result.StdOut);
        Assert.Equal("Succeeded", document.RootElement.GetProperty("run").GetProperty("status").GetString());
        var runId = document.RootElement.GetProperty("run").GetProperty("runId").GetString()!;
        var (_, tasks) = await SyncDriver.WaitForRunAsync(connection.Client, projectId, runId, ct);
        Assert.All(tasks.Where(static t => t.Spec.Stream is "review_versions" or "review_progress"), t => Assert.Equal(survivor.Name, t.Silo));

        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        var stats = emulator.GetStats();
        var versionCalls = stats.Count($"{ReviewsApi}/reviews/{{reviewId}}/versions");
        var progressCalls = stats.Count($"{ReviewsApi}/reviews/{{reviewId}}/progress");
        output.WriteLine($"reviews {differences.ExpectedReviews}, version calls {versionCalls}, progress calls {progressCalls}; {SyncDriver.Describe(tasks)}");
        // One call per review, plus at most the one page each task had in flight when its silo died.
        Assert.InRange(versionCalls, differences.ExpectedReviews, differences.ExpectedReviews + 1);
        Assert.InRange(progressCalls, differences.ExpectedReviews, differences.ExpectedReviews + 1);

        // Counters committed with the checkpoints: exact after the kill, in the grain and in sync.progress.
        foreach (var (stream, table) in new[] { ("review_versions", "acc.review_versions"), ("review_progress", "acc.review_progress") })
        {
            var task = tasks.Single(t => t.Spec.Stream == stream);
            var mirrored = await cluster.Database.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE project_id = @p", ct, ("p", projectId));
            Assert.Equal(differences.ExpectedReviews, task.Progress.Pages);
            Assert.Equal(mirrored, task.Progress.RecordsRead);
            Assert.Equal(mirrored, task.Progress.Inserted);
            var row = await cluster.Database.ListAsync(
                "SELECT pages, records_read, records_inserted FROM sync.progress WHERE task_id = @t",
                static r => (Pages: r.GetInt64(0), Read: r.GetInt64(1), Inserted: r.GetInt64(2)),
                ct,
                ("t", task.Spec.TaskId));
            Assert.Equal((task.Progress.Pages, mirrored, mirrored), row.Single());
        }
    }

    private static async Task<List<TaskView>?> ChildTasksAsync(IClusterClient client, string projectId, int minimumPages, CancellationToken ct)
    {
        var views = (await SyncDriver.CurrentTasksAsync(client, projectId, ct))
            .Where(t => t.Spec.Stream is "review_versions" or "review_progress" && t.Progress.Pages >= minimumPages)
            .ToList();
        return views.Count == 2 ? views : null;
    }
}
