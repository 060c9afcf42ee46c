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
    public async Task Sync_SiloRunningTaskKilled_TaskFinishesOnSurvivorWithExactMirror()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 21, Projects = 1, ReviewsPerProject = 160, WorkflowsPerProject = 5, VersionsPerReview = 2, ProgressStepsPerReview = 2, ArchivedShare = 0.1 },
                RateLimits = RateLimitOptions.Unlimited,
                // Slow enough that the children tasks are mid-stream when the silo dies.
                Faults = new FaultSettings { LatencyMs = 40 },
            },
            ct);
        var environment = new Dictionary<string, string?>
        {
            [SyncDriver.SecretVariable] = emulator.DefaultClient.ClientSecret,
            ["OrleansSync__Tasks__WatchdogPeriod"] = "00:00:03",
            ["OrleansSync__Tasks__RetryBaseDelay"] = "00:00:00.200",
        };
        await using var cluster = await ProcessCluster.StartAsync(silos: 2, ct, environment);
        await using var connection = await cluster.ConnectAsync(ct);
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(connection.Client, emulator, projectId, ct);
        var cliEnvironment = new Dictionary<string, string>
        {
            ["ORLEANSSYNC_PG"] = cluster.Database.ConnectionString,
            ["ORLEANSSYNC_CLUSTER_ID"] = cluster.ClusterId,
            ["ORLEANSSYNC_SERVICE_ID"] = cluster.ClusterId,
        };

        var cli = Infrastructure.Cli.RunAsync(cliEnvironment, ct, "sync", projectId, "--wait", "--json");
        var victimTask = await Eventually.ValueAsync(
            async () =>
            {
                var run = (await connection.Client.GetGrain<Projects.IProjectGrain>(projectId).GetAsync(ct))?.CurrentRun;
                foreach (var task in run?.Tasks ?? [])
                {
                    if (task.Stream == "review_versions" && await connection.Client.GetGrain<ISyncTaskGrain>(task.TaskId).GetAsync(ct) is { Progress.Pages: >= 20 } view)
                    {
                        return view;
                    }
                }

                return null;
            },
            TimeSpan.FromMinutes(2),
            "the review_versions task to land 20 pages",
            ct);
        var victim = cluster.Silos.Single(s => s.Name == victimTask.Silo);
        await victim.KillAsync();
        output.WriteLine($"killed {victim.Name} while {victimTask.Spec.TaskId} had {victimTask.Progress.Pages} pages");

        var result = await cli;
        Assert.True(result.ExitCode == 0, $"sync --wait exited {result.ExitCode}: {result.StdErr}");
        using var document = JsonDocument.Parse(result.StdOut);
        Assert.Equal("Succeeded", document.RootElement.GetProperty("run").GetProperty("status").GetString());
        var runId = document.RootElement.GetProperty("run").GetProperty("runId").GetString()!;
        var (_, tasks) = await SyncDriver.WaitForRunAsync(connection.Client, projectId, runId, ct);
        var resumed = tasks.Single(t => t.Spec.TaskId == victimTask.Spec.TaskId);
        Assert.NotEqual(victim.Name, resumed.Silo);

        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        var stats = emulator.GetStats();
        var versionCalls = stats.Count($"{ReviewsApi}/reviews/{{reviewId}}/versions");
        var progressCalls = stats.Count($"{ReviewsApi}/reviews/{{reviewId}}/progress");
        output.WriteLine($"reviews {differences.ExpectedReviews}, version calls {versionCalls}, progress calls {progressCalls}; {SyncDriver.Describe(tasks)}");
        // One call per review, plus at most the one page each task had in flight when its silo died.
        Assert.InRange(versionCalls, differences.ExpectedReviews, differences.ExpectedReviews + 1);
        Assert.InRange(progressCalls, differences.ExpectedReviews, differences.ExpectedReviews + 1);
    }
}
