using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansSync.Emulator;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>
/// Real silo processes; the silo running a task is killed with SIGKILL mid-stream, while each children task has
/// several reviews' lists in flight. The task must finish on the survivor from its last committed checkpoint, the
/// mirror must be exact, and at most W (the window's cap) lists per task are fetched again. <c>sync --wait</c> (a
/// real CLI process) must ride through the loss of its gateway.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed partial class SiloKillDuringSyncTests(ITestOutputHelper output)
{
    private const string ReviewsApi = "GET /construction/reviews/v1/projects/{projectId}";

    // The children window's cap (OrleansSync:Streams:MaxChildrenInFlight): the most lists a kill can cost a task.
    private const int Window = 4;

    [Fact]
    public async Task Sync_SiloRunningTasksAndGatewayKilled_TasksAndCliFinishOnSurvivorWithExactMirror()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 21, Projects = 1, ReviewsPerProject = 400, WorkflowsPerProject = 5, VersionsPerReview = 2, ProgressStepsPerReview = 2, ArchivedShare = 0.1 },
                RateLimits = RateLimitOptions.Unlimited,
                // Slow enough that the children tasks are mid-stream, with several fetches in flight, when their silo dies.
                Faults = new FaultSettings { LatencyMs = 150 },
            },
            ct);
        var environment = new Dictionary<string, string?>
        {
            [SyncDriver.SecretVariable] = emulator.DefaultClient.ClientSecret,
            ["OrleansSync__Tasks__WatchdogPeriod"] = "00:00:03",
            ["OrleansSync__Tasks__RetryBaseDelay"] = "00:00:00.200",
            ["OrleansSync__Streams__MaxChildrenInFlight"] = Window.ToString(CultureInfo.InvariantCulture),
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
        // Both walks' windows open wider than one fetch: the kill cuts several fetches in flight.
        var windows = await Eventually.ValueAsync(
            async () => await WindowsAsync(first, ct) is { } w && w.GetValueOrDefault("review_versions") >= 2 && w.GetValueOrDefault("review_progress") >= 2 ? w : null,
            TimeSpan.FromSeconds(30),
            "both children walks on the first silo to have a window W of 2 or more",
            ct);
        var before = await ChildTasksAsync(connection.Client, projectId, minimumPages: 0, ct);
        await first.KillAsync();
        output.WriteLine($"killed {first.Name} (the CLI's gateway) with windows {string.Join(", ", windows.Select(static w => $"{w.Key} W={w.Value}"))} while {SyncDriver.Describe(before!)}");
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
        // One call per review, plus at most the W lists each task had in flight when its silo died.
        Assert.All(windows.Values, static w => Assert.InRange(w, 2, Window));
        Assert.InRange(versionCalls, differences.ExpectedReviews, differences.ExpectedReviews + Window);
        Assert.InRange(progressCalls, differences.ExpectedReviews, differences.ExpectedReviews + Window);

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

    /// <summary>The silo's children windows (gauge <c>orleanssync_children_window</c>) by stream, from its /metrics.</summary>
    private static async Task<Dictionary<string, int>?> WindowsAsync(SiloProcess silo, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{silo.HttpPort}/metrics"), ct);
        var windows = WindowSample().Matches(text).ToDictionary(static m => m.Groups[1].Value, static m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        return windows.Count > 0 ? windows : null;
    }

    [GeneratedRegex("^orleanssync_children_window\\{[^}]*stream=\"([a-z_]+)\"[^}]*\\} ([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex WindowSample();

    private static async Task<List<TaskView>?> ChildTasksAsync(IClusterClient client, string projectId, int minimumPages, CancellationToken ct)
    {
        var views = (await SyncDriver.CurrentTasksAsync(client, projectId, ct))
            .Where(t => t.Spec.Stream is "review_versions" or "review_progress" && t.Progress.Pages >= minimumPages)
            .ToList();
        return views.Count == 2 ? views : null;
    }
}
