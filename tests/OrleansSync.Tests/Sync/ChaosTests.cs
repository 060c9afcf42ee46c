using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>
/// The worst day: three real silo processes, three projects synced at once by three real CLI processes, an upstream
/// that fails 5% of calls, enforces a quota and hands out 15-second tokens — and a silo killed with SIGKILL while the
/// children tasks are mid-stream. Every client must succeed, every mirror must be exact, and each interrupted task
/// may fetch again at most the pages it had in flight: one for a list, up to the window's cap W for children.
/// </summary>
public sealed partial class ChaosTests(ITestOutputHelper output)
{
    private const string ReviewsApi = "GET /construction/reviews/v1/projects/{projectId}";

    // The connector's page size for Reviews API lists (OrleansSync:Acc:PageSize, left at its default).
    private const int PageSize = 50;

    // The children window's cap (OrleansSync:Streams:MaxChildrenInFlight): the most lists a kill can cost a children task.
    private const int Window = 4;

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Sync_ThreeSilosFaultyUpstreamOneSiloKilled_EveryClientSucceedsWithExactMirrors()
    {
        var ct = TestContext.Current.CancellationToken;
        var elapsed = Stopwatch.StartNew();
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 73, Projects = 3, ReviewsPerProject = 150, WorkflowsPerProject = 5, VersionsPerReview = 2, ProgressStepsPerReview = 2, ArchivedShare = 0.1 },
                // ACC's Reviews quota scaled down to a one-second window, low enough that six children tasks meet it.
                RateLimits = new RateLimitOptions { Window = TimeSpan.FromSeconds(1), ReviewsPerWindow = 40, AdminPerWindow = 600, TokenPerWindow = 500 },
                // A little latency keeps the children tasks mid-stream when their silo dies.
                Faults = new FaultSettings { ServerErrorRate = 0.05, TokenTtlSeconds = 15, LatencyMs = 20, JitterMs = 10 },
            },
            ct);
        var environment = new Dictionary<string, string?>
        {
            [SyncDriver.SecretVariable] = emulator.DefaultClient.ClientSecret,
            ["OrleansSync__Tasks__WatchdogPeriod"] = "00:00:03",
            ["OrleansSync__Tasks__RetryBaseDelay"] = "00:00:00.200",
            ["OrleansSync__Tasks__Breaker__OpenTime"] = "00:00:03",
            ["OrleansSync__Tasks__Breaker__MaxOpenTime"] = "00:00:10",
            ["OrleansSync__Streams__MaxChildrenInFlight"] = Window.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        await using var cluster = await ProcessCluster.StartAsync(silos: 3, ct, environment);
        try
        {
            await RunAsync(emulator, cluster, elapsed, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            foreach (var silo in cluster.Silos)
            {
                output.WriteLine($"--- {silo.Name} (exited: {silo.HasExited}):\n{silo.LogTail(60)}");
            }

            throw;
        }
    }

    private async Task RunAsync(AccEmulator emulator, ProcessCluster cluster, Stopwatch elapsed, CancellationToken ct)
    {
        var projectIds = emulator.ProjectIds;
        await using (var setup = await cluster.ConnectAsync(ct))
        {
            foreach (var projectId in projectIds)
            {
                await SyncDriver.AddProjectAsync(setup.Client, emulator, projectId, ct);
            }
        }

        var clis = projectIds.Select(id => Infrastructure.Cli.RunProcessAsync(cluster.CliEnvironment(), ct, "sync", id, "--wait", "--json")).ToList();
        await using var connection = await cluster.ConnectAsync(ct);
        var client = connection.Client;

        var landing = await Eventually.ValueAsync(
            async () => await ReadTasksAsync(client, projectIds, ct) is { } tasks && ChildrenLanding(tasks, projectIds) ? tasks : null,
            TimeSpan.FromMinutes(2),
            "the children tasks of every project to land 3 pages, some still running",
            ct,
            Eventually.AnyFailure);
        var victim = landing
            .Where(static t => IsChild(t) && !t.IsTerminal)
            .GroupBy(static t => t.Silo)
            .OrderByDescending(static g => g.Count())
            .Select(g => cluster.Silos.Single(s => s.Name == g.Key))
            .First();

        // Read again just before the kill: what each task had landed when its silo died.
        var atKill = await Eventually.ValueAsync(() => ReadTasksAsync(client, projectIds, ct), TimeSpan.FromSeconds(30), "the tasks just before the kill", ct, Eventually.AnyFailure);
        await victim.KillAsync();
        var sinceKill = Stopwatch.StartNew();
        var interrupted = atKill.Where(t => !t.IsTerminal && t.Silo == victim.Name).ToList();
        output.WriteLine($"killed {victim.Name} at {elapsed.Elapsed.TotalSeconds:0.0} s, interrupting {interrupted.Count} task(s): " +
            string.Join(", ", interrupted.Select(static t => $"{t.Spec.ProjectId}/{t.Spec.Stream} at page {t.Progress.Pages}")));
        Assert.Contains(interrupted, IsChild);

        var resumedAt = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        await Eventually.UntilAsync(
            async () =>
            {
                foreach (var before in interrupted.Where(t => !resumedAt.ContainsKey(t.Spec.TaskId)))
                {
                    // A task cannot be reached while its silo is dead and the cluster has not noticed: a transient failure.
                    if (await client.GetGrain<ISyncTaskGrain>(before.Spec.TaskId).GetAsync(ct).WaitAsync(CallTimeout, ct) is { } now && now.Silo != victim.Name
                        && (now.Progress.Pages > before.Progress.Pages || now.IsTerminal))
                    {
                        resumedAt[before.Spec.TaskId] = sinceKill.Elapsed;
                    }
                }

                return resumedAt.Count == interrupted.Count;
            },
            TimeSpan.FromMinutes(2),
            $"every task of {victim.Name} to land a page on another silo",
            ct,
            Eventually.AnyFailure);
        var resumedAfter = resumedAt.Values.Max();

        var results = await Task.WhenAll(clis);
        var finals = new List<TaskView>();
        var reviews = 0;
        var listPages = new Dictionary<string, long>(StringComparer.Ordinal) { ["reviews"] = 0, ["workflows"] = 0 };
        foreach (var (projectId, result) in projectIds.Zip(results))
        {
            Assert.True(result.ExitCode == 0, $"sync {projectId} --wait exited {result.ExitCode}: {result.StdErr}\n{result.StdOut}");
            using var document = JsonDocument.Parse(result.StdOut);
            var run = document.RootElement.GetProperty("run");
            Assert.Equal("Succeeded", run.GetProperty("status").GetString());
            var (_, tasks) = await SyncDriver.WaitForRunAsync(client, projectId, run.GetProperty("runId").GetString()!, ct);
            finals.AddRange(tasks);

            var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
            Assert.True(differences.None, $"{projectId}: {MirrorComparison.Describe(differences)}");
            reviews += differences.ExpectedReviews;
            var (reviewPages, workflowPages) = await ExpectedListPagesAsync(emulator, projectId, ct);
            listPages["reviews"] += reviewPages;
            listPages["workflows"] += workflowPages;
        }

        Assert.All(finals, static t => Assert.Equal(SyncTaskStatus.Succeeded, t.Status));
        Assert.All(finals.Where(t => interrupted.Any(i => i.Spec.TaskId == t.Spec.TaskId)), t => Assert.NotEqual(victim.Name, t.Silo));

        var stats = emulator.GetStats();
        var fetched = new Dictionary<string, (long Ok, long Expected, int Interrupted)>(StringComparer.Ordinal)
        {
            ["review_versions"] = (stats.Count($"{ReviewsApi}/reviews/{{reviewId}}/versions", 200), reviews, Interrupted("review_versions")),
            ["review_progress"] = (stats.Count($"{ReviewsApi}/reviews/{{reviewId}}/progress", 200), reviews, Interrupted("review_progress")),
            ["reviews"] = (stats.Count($"{ReviewsApi}/reviews", 200), listPages["reviews"], Interrupted("reviews")),
            ["workflows"] = (stats.Count($"{ReviewsApi}/workflows", 200), listPages["workflows"], Interrupted("workflows")),
        };
        var again = fetched.Values.Sum(static f => f.Ok - f.Expected);
        // Diagnostics only, never a bound: what the survivors say about themselves on /metrics.
        var survivors = cluster.Silos.Where(s => s != victim).ToList();
        var stale = (await MetricAsync(survivors, "orleanssync_tasks_stale_activations_total", ct)).Values.Sum();
        var resumed = await MetricAsync(survivors, "orleanssync_tasks_resumed_total", ct);
        output.WriteLine(
            $"faults injected: {stats.InjectedServerErrors} 5xx, {stats.QuotaRejections} 429 (quota); " +
            $"upstream calls: {stats.Total} ({string.Join(", ", stats.ByStatus.Select(static s => $"{s.Value}×{s.Key}"))}), " +
            $"{stats.Count("POST /authentication/v2/token")} token calls");
        output.WriteLine(
            $"pages fetched again: {again} for {interrupted.Count} interrupted task(s), {resumed.Values.Sum()} resumed activation(s), {stale} stale activation(s) stopped " +
            $"and {finals.Sum(static t => t.Errors.Count)} failed attempt(s) (" +
            string.Join(", ", fetched.Select(static f => $"{f.Key} {f.Value.Ok} of {f.Value.Expected}, {f.Value.Interrupted} interrupted")) + ")");
        output.WriteLine(
            $"kill to resumed progress: {resumedAfter.TotalSeconds:0.0} s for all ({string.Join(", ", resumedAt.Values.Order().Select(static t => $"{t.TotalSeconds:0.0}"))}); " +
            $"CLIs {string.Join(", ", results.Select(static r => $"{r.Elapsed.TotalSeconds:0.0} s"))}; elapsed total {elapsed.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(SyncDriver.Describe(finals));

        Assert.True(stats.InjectedServerErrors > 0, "no 5xx was injected");
        Assert.True(stats.QuotaRejections > 0, "the quota was never met");
        // One successful call per review (children) or per page (lists), plus at most what each interrupted task had in
        // flight when its silo died: one page of a list, up to W lists of children. Tasks on the survivors lose nothing.
        Assert.All(fetched, static f => Assert.True(
            f.Value.Ok >= f.Value.Expected && f.Value.Ok <= f.Value.Expected + f.Value.Interrupted * InFlight(f.Key),
            $"{f.Key}: {f.Value.Ok} successful calls for {f.Value.Expected} pages with {f.Value.Interrupted} interrupted task(s), up to {InFlight(f.Key)} in flight each"));
        Assert.InRange(stale, 0, interrupted.Count);

        int Interrupted(string stream) => interrupted.Count(t => t.Spec.Stream == stream);
        static int InFlight(string stream) => stream is "review_versions" or "review_progress" ? Window : 1;
    }

    /// <summary>A counter of ours summed over <paramref name="silos"/>' /metrics, by its <c>stream</c> label ("" when it has none).</summary>
    private static async Task<Dictionary<string, long>> MetricAsync(IEnumerable<SiloProcess> silos, string name, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var silo in silos)
        {
            var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{silo.HttpPort}/metrics"), ct);
            foreach (var line in text.Split('\n').Where(l => l.StartsWith(name, StringComparison.Ordinal) && (l.Length == name.Length || l[name.Length] is '{' or ' ')))
            {
                var stream = StreamLabel().Match(line) is { Success: true } m ? m.Groups[1].Value : "";
                totals[stream] = totals.GetValueOrDefault(stream) + SampleValue(line);
            }
        }

        return totals;
    }

    /// <summary>The value of a Prometheus sample line: "name{labels} value [timestamp]" or "name value [timestamp]".</summary>
    private static long SampleValue(string line)
    {
        var rest = line.Contains('}', StringComparison.Ordinal) ? line[(line.LastIndexOf('}') + 1)..] : line[line.IndexOf(' ', StringComparison.Ordinal)..];
        return (long)double.Parse(rest.Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool IsChild(TaskView task) => task.Spec.Stream is "review_versions" or "review_progress";

    /// <summary>Every project's children have started and landed pages (or finished), and some are still running.</summary>
    private static bool ChildrenLanding(List<TaskView> tasks, IReadOnlyList<string> projectIds) =>
        projectIds.All(p => tasks.Count(t => t.Spec.ProjectId == p && IsChild(t) && (t.Progress.Pages >= 3 || t.IsTerminal)) == 2)
        && tasks.Any(static t => IsChild(t) && !t.IsTerminal);

    /// <summary>
    /// The started tasks of every project's run, or null while a project has no run yet. A project whose run already
    /// ended (faster than the others: fewer 5xx, an earlier turn at the quota) gives that run's tasks, all terminal.
    /// </summary>
    private static async Task<List<TaskView>?> ReadTasksAsync(IClusterClient client, IReadOnlyList<string> projectIds, CancellationToken ct)
    {
        var views = new List<TaskView>();
        foreach (var projectId in projectIds)
        {
            var project = await client.GetGrain<IProjectGrain>(projectId).GetAsync(ct).WaitAsync(CallTimeout, ct);
            var run = project?.CurrentRun ?? project?.LastRun;
            if (run is null)
            {
                return null;
            }

            foreach (var task in run.Tasks)
            {
                // No view: a child the run has not started yet.
                if (await client.GetGrain<ISyncTaskGrain>(task.TaskId).GetAsync(ct).WaitAsync(CallTimeout, ct) is { } view)
                {
                    views.Add(view);
                }
            }
        }

        return views;
    }

    /// <summary>List pages a complete first run reads: reviews active then archived, workflows ACTIVE then INACTIVE.</summary>
    private static async Task<(long Reviews, long Workflows)> ExpectedListPagesAsync(AccEmulator emulator, string projectId, CancellationToken ct)
    {
        var project = JsonNode.Parse(await emulator.DumpAsync(projectId, ct))!["projects"]!.AsArray().Single()!;
        var archived = project["reviews"]!.AsArray().Count(static r => (bool)r!["record"]!["archived"]!);
        var inactive = project["workflows"]!.AsArray().Count(static w => (string)w!["status"]! == "INACTIVE");
        var reviews = project["reviews"]!.AsArray().Count;
        var workflows = project["workflows"]!.AsArray().Count;
        return (Pages(reviews - archived) + Pages(archived), Pages(workflows - inactive) + Pages(inactive));

        // An empty list is still one call; each page after the first asks one record early, to see the list hold still.
        static long Pages(int records) => records <= PageSize ? 1 : 1 + ((records - PageSize + PageSize - 2) / (PageSize - 1));
    }

    [GeneratedRegex("stream=\"([a-z_]+)\"")]
    private static partial Regex StreamLabel();
}
