using System.Globalization;
using OrleansSync.Benchmarks.Hosting;
using OrleansSync.Benchmarks.Runner;
using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Tasks;

namespace OrleansSync.Benchmarks.Failover;

/// <summary>
/// <c>failover</c>: 3 silo processes sync 3 projects at once; the silo running the most tasks is killed with SIGKILL
/// while the children tasks are mid-stream. Measures the time from the kill to resumed progress: the first page each
/// interrupted task lands on a survivor, read from <c>sync.checkpoints</c> (committed with the page), so that nothing
/// the benchmark does after the kill calls a grain and wakes it. Target: ≤ 30 s until every interrupted task resumed.
/// </summary>
public sealed class FailoverScenario : IScenario
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    public string Name => "failover";

    public string Description =>
        "3 silo processes, 3 projects syncing, SIGKILL of the silo running the most tasks: seconds from the kill to a page landed " +
        "by each interrupted task on a survivor (<= 30 s); the shipped task watchdog period unless OrleansSync__Tasks__WatchdogPeriod is set.";

    public async Task<ScenarioResult> RunAsync(bool quick, CancellationToken cancellationToken)
    {
        var (silos, projects, reviews, latencyMs) = quick ? (2, 2, 200, 20) : (3, 3, 400, 40);
        // Quick shortens the task watchdog (the reminder that re-activates a task whose silo died) so CI stays short;
        // the measurement runs with the shipped default, or with OrleansSync__Tasks__WatchdogPeriod from the runner's
        // environment (silo processes inherit it).
        TimeSpan? watchdog = quick ? TimeSpan.FromSeconds(3) : null;
        var watchdogShown = watchdog
            ?? (TimeSpan.TryParse(Environment.GetEnvironmentVariable("OrleansSync__Tasks__WatchdogPeriod"), CultureInfo.InvariantCulture, out var inherited) ? inherited : TimeSpan.FromMinutes(1));
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 83, Projects = projects, ReviewsPerProject = reviews, WorkflowsPerProject = 5, VersionsPerReview = 2, ProgressStepsPerReview = 2, ArchivedShare = 0.1 },
                RateLimits = RateLimitOptions.Unlimited,
                // Latency keeps the children tasks mid-stream for a while, as a real upstream does.
                Faults = new FaultSettings { LatencyMs = latencyMs },
            },
            cancellationToken);
        await using var database = await BenchmarkDatabase.CreateAsync(cancellationToken);
        var environment = Syncs.SiloEnvironment(emulator);
        if (watchdog is { } period)
        {
            environment["OrleansSync__Tasks__WatchdogPeriod"] = period.ToString("c", CultureInfo.InvariantCulture);
        }

        await using var cluster = await SiloCluster.StartAsync(database, silos, environment, cancellationToken);
        var client = cluster.Client;
        var projectIds = emulator.ProjectIds;
        await Syncs.AddProjectsAsync(client, emulator, projectIds, cancellationToken);
        var dataset = await Dataset.ReadAsync(emulator, projectIds, cancellationToken);
        var started = await Syncs.StartAsync(client, projectIds, cancellationToken);

        // Every project's children running and 3 pages in, so each has most of its stream ahead of it.
        var tasks = await Poll.UntilAsync(
            async () => await ReadTasksAsync(client, projectIds, cancellationToken) is { } views
                && projectIds.All(p => views.Count(t => t.Spec.ProjectId == p && IsChild(t) && t.Progress.Pages >= 3 && !t.IsTerminal) == 2)
                ? views : null,
            TimeSpan.FromMinutes(3),
            "every project's children tasks to land 3 pages",
            cancellationToken);
        var victimName = tasks.Where(static t => !t.IsTerminal && t.Silo is not null)
            .GroupBy(static t => t.Silo!)
            .OrderByDescending(static g => g.Count())
            .First().Key;
        var victim = cluster.Silos.Single(s => s.Name == victimName);
        var interrupted = tasks.Where(t => !t.IsTerminal && t.Silo == victimName).ToList();
        var perSilo = tasks.Where(static t => !t.IsTerminal).GroupBy(static t => t.Silo ?? "?").ToDictionary(static g => g.Key, static g => g.Count());

        await victim.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;
        var sinceKill = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan? declaredDead = null;
        var resumed = new Dictionary<(string Project, string Stream), TimeSpan>();
        await Poll.UntilAsync(
            async () =>
            {
                if (declaredDead is null && !(await cluster.ActiveSilosAsync(cancellationToken)).Contains(victimName))
                {
                    declaredDead = sinceKill.Elapsed;
                }

                // A page lands with its checkpoint, stamped with the silo's clock (this machine's): one landed after the
                // kill came from a survivor.
                var landed = await database.ListAsync(
                    "SELECT project_id, stream, updated_at FROM sync.checkpoints WHERE scope = '' AND updated_at > @killed",
                    static r => (r.GetString(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2)),
                    cancellationToken,
                    ("killed", killedAt));
                foreach (var (project, stream, at) in landed)
                {
                    if (interrupted.Any(t => t.Spec.ProjectId == project && t.Spec.Stream == stream))
                    {
                        resumed.TryAdd((project, stream), at - killedAt);
                    }
                }

                return resumed.Count == interrupted.Count && declaredDead is not null;
            },
            TimeSpan.FromMinutes(5),
            $"every task of {victimName} to land a page on a survivor",
            cancellationToken,
            TimeSpan.FromMilliseconds(100));

        var runs = await Syncs.WaitAsync(client, started, TimeSpan.FromMinutes(10), cancellationToken);
        var mirrored = await Dataset.MirroredAsync(database, cancellationToken);
        var exact = mirrored with { ListPages = dataset.ListPages } == dataset;
        var succeeded = runs.Count(static r => r.Run.Status == SyncTaskStatus.Succeeded);
        var (first, all) = (resumed.Values.Min().TotalSeconds, resumed.Values.Max().TotalSeconds);
        var dead = declaredDead!.Value.TotalSeconds;

        return new ScenarioResult(
            Name,
            quick,
            new Dictionary<string, object>
            {
                ["silos"] = silos,
                ["projects"] = projects,
                ["reviewsPerProject"] = reviews,
                ["latencyMs"] = latencyMs,
                ["watchdogPeriodSeconds"] = watchdogShown.TotalSeconds,
            },
            $"{silos} silo processes, {projects} projects × {reviews} reviews syncing ({latencyMs} ms upstream latency), SIGKILL of the busiest silo, watchdog {watchdogShown.TotalSeconds:0} s",
            new Dictionary<string, double>
            {
                ["interruptedTasks"] = interrupted.Count,
                ["runningTasksOnVictim"] = perSilo.GetValueOrDefault(victimName),
                ["runningTasks"] = perSilo.Values.Sum(),
                ["declaredDeadSeconds"] = dead,
                ["killToFirstResumedSeconds"] = first,
                ["killToAllResumedSeconds"] = all,
                ["runsSucceeded"] = succeeded,
                ["runs"] = runs.Count,
                ["mirrorExact"] = exact ? 1 : 0,
            },
            string.Create(
                CultureInfo.InvariantCulture,
                $"{interrupted.Count} of {perSilo.Values.Sum()} running tasks on the killed silo; declared dead after {dead:0.0} s; first resumed {first:0.0} s, all {all:0.0} s after the kill " +
                $"({string.Join(", ", resumed.Values.Order().Select(static t => $"{t.TotalSeconds:0.0}"))}); {succeeded}/{runs.Count} runs succeeded, mirror {(exact ? "exact" : "NOT exact")}"),
            [new Target("killToAllResumedSeconds", AtLeast: false, 30, all)],
            [
                "resumed: for each task running on the killed silo, the first sync.checkpoints write of its (project, stream) stamped after the kill (a checkpoint commits with its page, stamped by the writing silo's clock, on this machine's clock as the kill time is); after the kill the benchmark calls no grain until that is seen, so nothing but the cluster itself wakes the tasks.",
                "declared dead: the victim no longer Active in the membership table (polled every 100 ms).",
                "the victim is the silo with the most non-terminal tasks (as the task grains report their silo) once every project's children had landed 3 pages; mirror exact: the four mirror tables hold as many rows as the emulator's dataset.",
                .. quick ? ["quick: 2 silos, 2 small projects, a 3 s watchdog; no measurement."] : Array.Empty<string>(),
            ]);
    }

    private static bool IsChild(TaskView task) => task.Spec.Stream is "review_versions" or "review_progress";

    /// <summary>The started tasks of every project's current run, or null while one cannot be read.</summary>
    private static async Task<List<TaskView>?> ReadTasksAsync(IClusterClient client, IReadOnlyList<string> projectIds, CancellationToken cancellationToken)
    {
        var views = new List<TaskView>();
        try
        {
            foreach (var projectId in projectIds)
            {
                if ((await client.GetGrain<IProjectGrain>(projectId).GetAsync(cancellationToken).WaitAsync(CallTimeout, cancellationToken))?.CurrentRun is not { } run)
                {
                    return null;
                }

                views.AddRange(await Syncs.TasksAsync(client, run, cancellationToken).WaitAsync(CallTimeout, cancellationToken));
            }
        }
        catch (TimeoutException)
        {
            return null;
        }

        return views;
    }
}
