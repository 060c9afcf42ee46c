using System.Globalization;
using OrleansSync.Benchmarks.Hosting;
using OrleansSync.Benchmarks.Runner;
using OrleansSync.Projects;
using OrleansSync.Tasks;

namespace OrleansSync.Benchmarks.PgSnapshot;

/// <summary>
/// <c>pg-snapshot</c>: a <c>--source postgres --mode snapshot</c> project mirrors one table of 1,000,000 mixed-type rows
/// from another database of the same server, on one silo process, against a raw binary COPY of the same table between
/// the same two databases (<see cref="RawTableCopy"/>) in the same run. Targets: at least half of the raw COPY's rate,
/// and the silo's memory growing at most 200 MB.
/// </summary>
public sealed class PgSnapshotScenario : IScenario
{
    private const string Variable = "ORLEANSSYNC_SECRET_BENCH_PG";
    private const string ProjectId = "bench-pg-snapshot";
    private const string TargetSchema = "bench_mirror";

    public string Name => "pg-snapshot";

    public string Description =>
        "Snapshot of a 1,000,000-row mixed-type PostgreSQL table into the mirror on one silo process: rows/s against a raw binary COPY " +
        "of the same table between the same databases (>= 0.5x), silo memory growth <= 200 MB, mirror exact.";

    public async Task<ScenarioResult> RunAsync(bool quick, CancellationToken cancellationToken)
    {
        var rows = quick ? 20_000 : 1_000_000;
        await using var source = await BenchmarkDatabase.CreateAsync(cancellationToken);
        await SourceTable.CreateAsync(source, rows, cancellationToken);
        await using var database = await BenchmarkDatabase.CreateAsync(cancellationToken);

        var environment = new Dictionary<string, string?>
        {
            [Variable] = source.ConnectionString,
            ["OrleansSync__RateBudget__Enabled"] = "false",
        };
        double elapsed, growthMb;
        long read;
        await using (var cluster = await SiloCluster.StartAsync(database, 1, environment, cancellationToken))
        {
            var spec = new ProjectSpec(ProjectId, "postgres", "", "", "", null, [SourceTable.Name], null, Variable, "snapshot", TargetSchema);
            await cluster.Client.GetGrain<IProjectGrain>(ProjectId).ConfigureAsync(spec, cancellationToken);
            var memory = new WorkingSetPeak(cluster.Silos[0]);
            var started = await Syncs.StartAsync(cluster.Client, [ProjectId], cancellationToken);
            var (run, tasks) = (await Syncs.WaitAsync(cluster.Client, started, TimeSpan.FromMinutes(20), cancellationToken)).Single();
            growthMb = await memory.StopAsync();
            if (run.Status != SyncTaskStatus.Succeeded)
            {
                throw new InvalidOperationException($"the snapshot run {run.Status}: {string.Join("; ", tasks.Select(static t => t.Errors.LastOrDefault()?.Message))}");
            }

            elapsed = (run.FinishedAt!.Value - run.StartedAt).TotalSeconds;
            read = tasks.Sum(static t => t.Progress.RecordsRead);
        }

        var exact = await SourceTable.DigestAsync(source, "public", cancellationToken) == await SourceTable.DigestAsync(database, TargetSchema, cancellationToken);
        var copy = await RawTableCopy.RunAsync(source, database, cancellationToken);

        var syncRate = rows / elapsed;
        var copyRate = rows / copy.TotalSeconds;
        var ratio = syncRate / copyRate;
        return new ScenarioResult(
            Name,
            quick,
            new Dictionary<string, object> { ["rows"] = rows, ["silos"] = 1, ["chunkRows"] = 50_000 },
            $"1 table × {rows:N0} rows (bigint key, text, numeric, timestamptz, text[], jsonb, boolean, uuid, bytea), --mode snapshot, 1 silo process, source and mirror on one server",
            new Dictionary<string, double>
            {
                ["rows"] = rows,
                ["rowsRead"] = read,
                ["mirrorExact"] = exact ? 1 : 0,
                ["elapsedSeconds"] = elapsed,
                ["rowsPerSecond"] = syncRate,
                ["copySeconds"] = copy.TotalSeconds,
                ["copyRowsPerSecond"] = copyRate,
                ["ratioToCopy"] = ratio,
                ["siloMemoryGrowthMb"] = growthMb,
            },
            string.Create(
                CultureInfo.InvariantCulture,
                $"{syncRate:N0} rows/s ({rows:N0} in {elapsed:0.0} s) vs raw COPY {copyRate:N0} rows/s ({copy.TotalSeconds:0.0} s): {ratio:0.00}x; " +
                $"silo memory +{growthMb:0} MB; mirror {(exact ? "exact" : "NOT exact")}, {read:N0} rows read"),
            quick
                ? []
                :
                [
                    new Target("ratioToCopy", AtLeast: true, 0.5, ratio),
                    new Target("siloMemoryGrowthMb", AtLeast: false, 200, growthMb),
                    new Target("mirrorExact", AtLeast: true, 1, exact ? 1 : 0),
                ],
            [
                "snapshot: the run's own StartedAt to FinishedAt, in chunks of OrleansSync:Postgres:ChunkRows (50,000 unless the runner's environment sets it); the mirror table is fresh, so each chunk goes by binary COPY straight into it, with its checkpoint, in one transaction.",
                "raw COPY: COPY public.items TO STDOUT (FORMAT BINARY) on the source piped, as it is read, into COPY ... FROM STDIN (FORMAT BINARY) of an empty table of the same shape (primary key included) in the cluster's database, in one transaction; timed from the first byte asked to the commit.",
                "exact: an md5 of every row's text, in key order, on both sides.",
                "memory: the silo process's working set, sampled every 100 ms from before the run to its end, less its value then.",
                .. quick ? [$"quick: {rows:N0} rows; no measurement, no targets."] : Array.Empty<string>(),
            ]);
    }
}
