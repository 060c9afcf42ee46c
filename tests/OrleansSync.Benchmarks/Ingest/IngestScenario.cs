using System.Diagnostics;
using System.Globalization;
using Npgsql;
using OrleansSync.Benchmarks.Hosting;
using OrleansSync.Benchmarks.Runner;
using OrleansSync.Emulator;
using OrleansSync.Tasks;

namespace OrleansSync.Benchmarks.Ingest;

/// <summary>
/// <c>ingest</c>: a first sync of every stream from an emulator with no latency and no quota into PostgreSQL, on a
/// silo in this process, against a raw binary COPY of the same rows (<see cref="RawCopy"/>) in the same run. Reports
/// records/s of both, their ratio, and which wall the sync hits: the time its tasks spent waiting on upstream
/// (<see cref="UpstreamTime"/>) against the time PostgreSQL spent executing its statements
/// (<c>pg_stat_database.active_time</c> of the scenario's database).
/// </summary>
public sealed class IngestScenario : IScenario
{
    public string Name => "ingest";

    public string Description =>
        "First sync of 4 projects (every stream) from an emulator without latency or quota into PostgreSQL on one silo: " +
        "records/s end to end against a raw binary COPY of the same rows, the ratio, and which wall (upstream or PostgreSQL) it hits.";

    public async Task<ScenarioResult> RunAsync(bool quick, CancellationToken cancellationToken)
    {
        var (projects, reviews) = quick ? (1, 100) : (4, 1_500);
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 89, Projects = projects, ReviewsPerProject = reviews, WorkflowsPerProject = 5, VersionsPerReview = 3, ProgressStepsPerReview = 3, ArchivedShare = 0.1 },
                RateLimits = RateLimitOptions.Unlimited,
            },
            cancellationToken);
        await using var database = await BenchmarkDatabase.CreateAsync(cancellationToken);
        var dataset = await Dataset.ReadAsync(emulator, emulator.ProjectIds, cancellationToken);
        using var upstream = new UpstreamTime();
        var pgBefore = await ActiveSecondsAsync(database, cancellationToken);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;

        List<(Projects.RunView Run, List<TaskView> Tasks)> runs;
        Environment.SetEnvironmentVariable(Syncs.SecretVariable, emulator.DefaultClient.ClientSecret);
        await using (var silo = await BenchmarkSilo.StartAsync(database.PooledConnectionString(20), new Dictionary<string, string?>(), cancellationToken))
        {
            await Syncs.AddProjectsAsync(silo.Client, emulator, emulator.ProjectIds, cancellationToken);
            var started = await Syncs.StartAsync(silo.Client, emulator.ProjectIds, cancellationToken);
            runs = await Syncs.WaitAsync(silo.Client, started, TimeSpan.FromMinutes(15), cancellationToken);
        }

        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var failed = runs.Where(static r => r.Run.Status != SyncTaskStatus.Succeeded).ToList();
        if (failed.Count > 0)
        {
            throw new InvalidOperationException($"{failed.Count} run(s) did not succeed: " +
                string.Join("; ", failed.SelectMany(static r => r.Tasks).Select(static t => $"{t.Spec.ProjectId}/{t.Spec.Stream} {t.Status} {t.Errors.LastOrDefault()?.Message}")));
        }

        // The silo is stopped: its sessions have ended and reported their statistics.
        NpgsqlConnection.ClearAllPools();
        var pgSeconds = await SettledActiveSecondsAsync(database, cancellationToken) - pgBefore;
        var (upstreamSeconds, attempts) = upstream.Read();
        var mirrored = await Dataset.MirroredAsync(database, cancellationToken);
        var exact = mirrored with { ListPages = dataset.ListPages } == dataset;
        var elapsed = (runs.Max(static r => r.Run.FinishedAt!.Value) - runs.Min(static r => r.Run.StartedAt)).TotalSeconds;
        var taskSeconds = runs.SelectMany(static r => r.Tasks)
            .Sum(static t => t is { StartedAt: { } s, FinishedAt: { } f } ? (f - s).TotalSeconds : 0);
        var (copied, copyElapsed) = await RawCopy.RunAsync(database, cancellationToken);

        var records = (double)mirrored.Records;
        var syncRate = records / elapsed;
        var copyRate = copied / copyElapsed.TotalSeconds;
        // Average concurrency over the sync: upstream calls in flight, PostgreSQL sessions executing a statement.
        var (upstreamBusy, pgBusy) = (upstreamSeconds / elapsed, pgSeconds / elapsed);
        var wall = upstreamBusy >= pgBusy ? "upstream" : "PostgreSQL";
        return new ScenarioResult(
            Name,
            quick,
            new Dictionary<string, object>
            {
                ["projects"] = projects,
                ["reviewsPerProject"] = reviews,
                ["versionsPerReview"] = 3,
                ["progressStepsPerReview"] = 3,
                ["silos"] = 1,
                ["latencyMs"] = 0,
            },
            $"{projects} project(s) × {reviews:N0} reviews (+ 3 versions, 3 progress steps each), every stream, emulator without latency or quota, 1 in-process silo",
            new Dictionary<string, double>
            {
                ["records"] = records,
                ["mirrorExact"] = exact ? 1 : 0,
                ["elapsedSeconds"] = elapsed,
                ["recordsPerSecond"] = syncRate,
                ["copyRows"] = copied,
                ["copySeconds"] = copyElapsed.TotalSeconds,
                ["copyRowsPerSecond"] = copyRate,
                ["ratioToCopy"] = syncRate / copyRate,
                ["taskSeconds"] = taskSeconds,
                ["upstreamSeconds"] = upstreamSeconds,
                ["upstreamAttempts"] = attempts,
                ["postgresActiveSeconds"] = pgSeconds,
                ["upstreamInFlightAverage"] = upstreamBusy,
                ["postgresActiveAverage"] = pgBusy,
                ["postgresMillisecondsPerRecord"] = pgSeconds * 1000 / records,
                ["copyMillisecondsPerRow"] = copyElapsed.TotalMilliseconds / copied,
                ["processCpuSeconds"] = cpu.TotalSeconds,
                ["wallIsPostgres"] = wall == "PostgreSQL" ? 1 : 0,
            },
            string.Create(
                CultureInfo.InvariantCulture,
                $"{syncRate:N0} records/s end to end ({records:N0} in {elapsed:0.0} s) vs raw COPY {copyRate:N0} rows/s ({copyElapsed.TotalSeconds:0.00} s): {syncRate / copyRate:P1} of COPY; " +
                $"on average {upstreamBusy:0.00} upstream calls in flight ({upstreamSeconds:0.0} s over {attempts:N0} attempts) and {pgBusy:0.00} PostgreSQL sessions executing ({pgSeconds:0.0} s, {pgSeconds * 1000 / records:0.00} ms a record; COPY {copyElapsed.TotalMilliseconds / copied:0.000} ms a row): wall {wall}; " +
                $"this process (silo + emulator) used {cpu.TotalSeconds / elapsed:0.00} of {Environment.ProcessorCount} cores"),
            [],
            [
                "end to end: records in the four mirror tables (workflows, reviews, versions, progress steps) over the first run's start to the last run's end (the runs' own StartedAt/FinishedAt); all projects started at once.",
                "raw COPY: the same rows read back from the mirrors, then one binary COPY per table (Npgsql BeginBinaryImport, every column including raw jsonb) into scratch tables LIKE the mirrors INCLUDING ALL (primary keys too); only the COPY is timed, commits included.",
                "wall: over the sync's elapsed time, the average number of upstream calls in flight (the silo's orleanssync.upstream.duration histogram summed: every attempt, send to response headers, over elapsed) against the average number of PostgreSQL sessions executing a statement for this database (pg_stat_database.active_time delta, every session: mirrors, checkpoints, progress, Orleans' grain state and reminders; read before the silo starts and after it stopped, so every session has reported; over elapsed). The larger is the wall; set against the machine's cores it says whether PostgreSQL (on the same machine) is saturated. CPU: this process's (silo and emulator) processor time over elapsed.",
                "task-seconds: the tasks' StartedAt to FinishedAt summed (a task queued for a run slot counts from its start: the silo runs at most 2 × cores tasks at once).",
                "the issue sets no target: the figures are the ratio to COPY and the wall.",
                .. quick ? ["quick: 1 project × 100 reviews; no measurement."] : Array.Empty<string>(),
            ]);
    }

    private static Task<double> ActiveSecondsAsync(BenchmarkDatabase database, CancellationToken cancellationToken) =>
        database.ScalarAsync<double>("SELECT active_time / 1000 FROM pg_stat_database WHERE datname = current_database()", cancellationToken);

    /// <summary>Backends report their statistics as they exit: read until two reads agree, for a few seconds at most.</summary>
    private static async Task<double> SettledActiveSecondsAsync(BenchmarkDatabase database, CancellationToken cancellationToken)
    {
        var last = await ActiveSecondsAsync(database, cancellationToken);
        for (var deadline = DateTime.UtcNow.AddSeconds(5); DateTime.UtcNow < deadline;)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
            var now = await ActiveSecondsAsync(database, cancellationToken);
            if (now == last)
            {
                return now;
            }

            last = now;
        }

        return last;
    }
}
