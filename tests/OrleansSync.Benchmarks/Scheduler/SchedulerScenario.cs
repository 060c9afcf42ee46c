using System.Globalization;
using OrleansSync.Benchmarks.Hosting;
using OrleansSync.Benchmarks.Runner;
using OrleansSync.Emulator;
using OrleansSync.Projects;

namespace OrleansSync.Benchmarks.Scheduler;

/// <summary>
/// <c>scheduler</c>: 10,000 projects on a one-minute schedule on 3 silo processes, each syncing its workflows only
/// (a one-record dataset: the point is scheduling, not data). Measures the tick-to-start delay (<c>sync.runs</c>
/// <c>started_at − due_at</c>) of the ticks after each project's first, tasks per silo, and the memory of an idle
/// project grain (<see cref="IdleGrainMemory"/>). Targets: p99 ≤ 5 s, max/min ≤ 1.3, ≤ 20 KB.
/// </summary>
public sealed class SchedulerScenario : IScenario
{
    private const int Ticks = 2;

    // Projects added at once: a script's parallelism, well below what would queue calls past Orleans' 30 s response timeout.
    private const int AddBatch = 100;

    public string Name => "scheduler";

    public string Description =>
        "10,000 projects on a 1-minute schedule (workflows only, tiny dataset) on 3 silo processes: tick-to-start p50/p99 (p99 <= 5 s), " +
        "tasks per silo max/min (<= 1.3), memory per idle project grain in a silo (<= 20 KB).";

    public async Task<ScenarioResult> RunAsync(bool quick, CancellationToken cancellationToken)
    {
        var (projects, silos, every, idle) = quick ? (150, 2, TimeSpan.FromSeconds(5), 100) : (10_000, 3, TimeSpan.FromMinutes(1), 2_000);
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 61, Projects = projects, ReviewsPerProject = 0, WorkflowsPerProject = 1, VersionsPerReview = 0, ProgressStepsPerReview = 0 },
                RateLimits = RateLimitOptions.Unlimited,
            },
            cancellationToken);

        var cluster = await MeasureClusterAsync(emulator, projects, silos, every, cancellationToken);
        var memory = await IdleGrainMemory.MeasureAsync(emulator, idle, cancellationToken);
        var kbPerGrain = memory.BytesPerGrain / 1024;
        var figures = new Dictionary<string, double>(cluster.Figures)
        {
            ["idleProjects"] = memory.Projects,
            ["idleProjectActivations"] = memory.Activations,
            ["idleProjectGrainKb"] = kbPerGrain,
        };

        return new ScenarioResult(
            Name,
            quick,
            new Dictionary<string, object>
            {
                ["projects"] = projects,
                ["silos"] = silos,
                ["everySeconds"] = every.TotalSeconds,
                ["ticksMeasuredPerProject"] = Ticks,
                ["streams"] = "workflows",
                ["idleProjectsForMemory"] = idle,
            },
            $"{projects:N0} projects every {Describe(every)} (workflows, 1 record each) on {silos} silo processes; {idle:N0} idle projects in 1 in-process silo for memory",
            figures,
            string.Create(
                CultureInfo.InvariantCulture,
                $"{figures["ticks"]:N0} ticks, {figures["startedTicks"]:N0} started: tick-to-start p50 {figures["tickToStartP50Seconds"] * 1000:0} ms, p99 {figures["tickToStartP99Seconds"] * 1000:0} ms, max {figures["tickToStartMaxSeconds"] * 1000:0} ms ({figures["skippedTicks"]:N0} skipped); " +
                $"projects added in {figures["addSeconds"]:0} s ({figures["addTimeouts"]:0} add timeouts retried); tasks per silo {figures["tasksPerSiloMin"]:N0}–{figures["tasksPerSiloMax"]:N0} (max/min {figures["tasksPerSiloMaxOverMin"]:0.00}); " +
                $"idle project grain {kbPerGrain:0.0} KB of managed heap; silo RSS +{figures["siloRssPerProjectKb"]:0.0} KB per project"),
            [
                new Target("tickToStartP99Seconds", AtLeast: false, 5, figures["tickToStartP99Seconds"]),
                new Target("tasksPerSiloMaxOverMin", AtLeast: false, 1.3, figures["tasksPerSiloMaxOverMin"]),
                new Target("idleProjectGrainKb", AtLeast: false, 20, kbPerGrain),
            ],
            [
                $"tick-to-start: sync.runs started_at − due_at (due_at: when the reminder tick was due), as tests/OrleansSync.Tests/Scheduling/TickDelayMeasurement measures it, over each project's first {Ticks} ticks due after the last project was added (the steady state with every project scheduled; ticks during the adding are left out), of the ticks whose run started; skipped ticks (a run still in progress) have no start and are counted apart.",
                $"projects are added (project add --every) {AddBatch} at a time, an add that times out (Orleans' 30 s response timeout) is retried (addTimeouts counts them); each runs at once, then on its jittered tick (ScheduleJitter 10% of the period).",
                $"skipped ticks (all runs), most frequent reasons: {cluster.Skips}.",
                "tasks per silo: sync.progress rows (one per task, every run of the scenario) by the silo that ran them.",
                $"idle project grain: {idle:N0} projects configured, paused and scheduled every minute (reminder registered, no run) in a silo in this process on PostgreSQL; GC heap after a forced compacting collection, after minus before (a 50-project warm-up excluded), over the ProjectGrain activations IManagementGrain counts ({memory.Activations:N0}). Managed memory only: Orleans' per-activation state lives on the managed heap.",
                "silo RSS per project: the silo processes' resident memory summed, at the end minus after start, over the projects: everything the scheduled projects cost (their task grains, runs, caches and the GC's headroom included), an upper bound.",
                .. quick ? [$"quick: {projects} projects every {every.TotalSeconds:0} s (MinimumEvery lowered), 2 silos; no measurement."] : Array.Empty<string>(),
            ]);
    }

    private static string Describe(TimeSpan every) => every >= TimeSpan.FromMinutes(1) ? $"{every.TotalMinutes:0} min" : $"{every.TotalSeconds:0} s";

    private static async Task<(Dictionary<string, double> Figures, string Skips)> MeasureClusterAsync(
        AccEmulator emulator, int projects, int silos, TimeSpan every, CancellationToken cancellationToken)
    {
        await using var database = await BenchmarkDatabase.CreateAsync(cancellationToken);
        var environment = Syncs.SiloEnvironment(emulator);
        if (every < TimeSpan.FromMinutes(1))
        {
            // Also lowers Orleans' reminder floor on the silo (UseReminderFloorFromConfiguration).
            environment["OrleansSync__Projects__MinimumEvery"] = "00:00:01";
        }

        await using var cluster = await SiloCluster.StartAsync(database, silos, environment, cancellationToken);
        var rssBefore = cluster.Silos.Sum(static s => s.WorkingSetBytes);
        Environment.SetEnvironmentVariable(Syncs.SecretVariable, emulator.DefaultClient.ClientSecret);
        var adding = System.Diagnostics.Stopwatch.StartNew();
        var retries = 0;
        foreach (var batch in emulator.ProjectIds.Chunk(AddBatch))
        {
            await Task.WhenAll(batch.Select(async id =>
            {
                // Adding a project is idempotent: one that timed out under load is added again, as a script would.
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await cluster.Client.GetGrain<IProjectGrain>(id).ConfigureAsync(Syncs.Spec(emulator, id, ["workflows"], every), cancellationToken);
                        return;
                    }
                    catch (TimeoutException) when (attempt < 5)
                    {
                        Interlocked.Increment(ref retries);
                    }
                }
            }));
        }

        adding.Stop();
        var added = DateTimeOffset.UtcNow;
        var complete = true;
        try
        {
            await Poll.UntilAsync(
                async () => await database.ScalarAsync<long>(
                    "SELECT count(*) FROM (SELECT 1 FROM sync.runs WHERE due_at > @added GROUP BY project_id HAVING count(*) >= @ticks) AS done",
                    cancellationToken,
                    ("added", added),
                    ("ticks", (long)Ticks)) == projects,
                every * (Ticks + 3) > TimeSpan.FromMinutes(1) ? every * (Ticks + 3) : TimeSpan.FromMinutes(1),
                $"{Ticks} ticks of every project after all were added",
                cancellationToken,
                TimeSpan.FromSeconds(1));
        }
        catch (TimeoutException)
        {
            // Measured as far as it got: the figures count the ticks that happened.
            complete = false;
        }

        var rssAfter = cluster.Silos.Sum(static s => s.WorkingSetBytes);
        var skips = await database.ListAsync(
            // Reasons name their run ("run 20261130T071641090Z-e188dc is still in progress"): grouped without it.
            """
            SELECT regexp_replace(coalesce(reason, '(none)'), 'run [0-9]{8}T[0-9]+Z-[0-9a-f]+', 'run <id>', 'g'), count(*)
              FROM sync.runs WHERE status = 'skipped' GROUP BY 1 ORDER BY 2 DESC LIMIT 3
            """,
            static r => $"{r.GetInt64(1):N0}× {r.GetString(0)}",
            cancellationToken);
        var ticks = (await database.ListAsync(
            """
            WITH ticks AS (
                SELECT status, extract(epoch FROM started_at - due_at)::float8 AS delay,
                       row_number() OVER (PARTITION BY project_id ORDER BY due_at) AS n
                  FROM sync.runs WHERE due_at > @added),
            later AS (SELECT * FROM ticks WHERE n <= @ticks)
            SELECT count(*), count(*) FILTER (WHERE status = 'skipped'),
                   coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY delay) FILTER (WHERE status <> 'skipped' AND delay IS NOT NULL), 0),
                   coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY delay) FILTER (WHERE status <> 'skipped' AND delay IS NOT NULL), 0),
                   coalesce(max(delay) FILTER (WHERE status <> 'skipped'), 0),
                   count(*) FILTER (WHERE status <> 'skipped' AND delay IS NOT NULL)
              FROM later
            """,
            static r => (Count: r.GetInt64(0), Skipped: r.GetInt64(1), P50: r.GetDouble(2), P99: r.GetDouble(3), Max: r.GetDouble(4), Started: r.GetInt64(5)),
            cancellationToken,
            ("added", added),
            ("ticks", (long)Ticks))).Single();
        var perSilo = await database.ListAsync(
            "SELECT silo, count(*) FROM sync.progress WHERE silo IS NOT NULL GROUP BY silo",
            static r => (Silo: r.GetString(0), Tasks: r.GetInt64(1)),
            cancellationToken);
        var (max, min) = (perSilo.Select(static s => s.Tasks).DefaultIfEmpty(0).Max(), perSilo.Count < silos ? 0 : perSilo.Min(static s => s.Tasks));
        return (new Dictionary<string, double>
        {
            ["addSeconds"] = adding.Elapsed.TotalSeconds,
            ["addTimeouts"] = retries,
            ["ticks"] = ticks.Count,
            ["ticksExpected"] = (double)projects * Ticks,
            ["skippedTicks"] = ticks.Skipped,
            ["startedTicks"] = ticks.Started,
            ["tickToStartP50Seconds"] = ticks.P50,
            ["tickToStartP99Seconds"] = ticks.P99,
            ["tickToStartMaxSeconds"] = ticks.Max,
            ["tasks"] = perSilo.Sum(static s => s.Tasks),
            ["tasksPerSiloMax"] = max,
            ["tasksPerSiloMin"] = min,
            ["tasksPerSiloMaxOverMin"] = min == 0 ? double.PositiveInfinity : (double)max / min,
            ["siloRssPerProjectKb"] = (rssAfter - rssBefore) / 1024.0 / projects,
            ["allTicksSeen"] = complete ? 1 : 0,
        }, skips.Count == 0 ? "none" : string.Join("; ", skips));
    }
}
