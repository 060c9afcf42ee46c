using System.Globalization;
using OrleansSync.Projects;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Scheduling;

/// <summary>
/// A measurement, run once by hand and never in CI (explicit): the tick-to-start delay of 1,000 projects on a
/// one-minute schedule across three silo processes, i.e. a run's <c>started_at</c> minus the <c>due_at</c> of the tick
/// that started it, over the reminder ticks that follow each project's run at once. Projects sync workflows only,
/// so that the machine measures scheduling rather than drowning in syncs. Run it with
/// <c>dotnet test --project tests/OrleansSync.Tests -c Release --no-build -- --filter-class 'OrleansSync.Tests.Scheduling.TickDelayMeasurement' --explicit only</c>;
/// it prints the figures and writes them to <c>$TMPDIR/orleanssync-tick-delay.txt</c>.
/// </summary>
public sealed class TickDelayMeasurement(ITestOutputHelper output)
{
    private const int Projects = 1000;
    private const int TicksPerProject = 3;

    [Fact(Explicit = true)]
    public async Task Measure_ThousandProjectsOnAOneMinuteSchedule_TickToStartDelay()
    {
        var ct = TestContext.Current.CancellationToken;
        var every = TimeSpan.FromMinutes(1);
        await using var scheduled = await ScheduledCluster.StartAsync(Projects, silos: 3, ct);
        await using var connection = await scheduled.Cluster.ConnectAsync(ct);
        var emulator = scheduled.Emulator;
        var adding = System.Diagnostics.Stopwatch.StartNew();
        foreach (var batch in emulator.ProjectIds.Chunk(250))
        {
            // project add --every, as a script adding a thousand projects would.
            await Task.WhenAll(batch.Select(id => connection.Client.GetGrain<IProjectGrain>(id).ConfigureAsync(
                new ProjectSpec(id, "acc", emulator.BaseUrl.AbsoluteUri, emulator.DefaultClient.ClientId, SyncDriver.SecretVariable, "test-user", ["workflows"], every),
                ct)));
        }

        adding.Stop();
        await scheduled.WaitForEveryProjectAsync(
            runs => runs.Count(static r => r.DueAt is not null) > TicksPerProject,
            every * (TicksPerProject + 2),
            $"{TicksPerProject} ticks after the run at once for every project",
            ct);

        var figures = await scheduled.Cluster.Database.ListAsync(
            """
            WITH ticks AS (
                SELECT status, started_at, extract(epoch FROM started_at - due_at) * 1000 AS delay_ms,
                       row_number() OVER (PARTITION BY project_id ORDER BY due_at) AS n
                  FROM sync.runs WHERE due_at IS NOT NULL),
            later AS (SELECT * FROM ticks WHERE n BETWEEN 2 AND @ticks + 1),
            per_second AS (SELECT date_trunc('second', started_at) AS s, count(*) AS c FROM later GROUP BY 1)
            SELECT (SELECT count(*) FROM later),
                   (SELECT count(*) FROM later WHERE status = 'skipped'),
                   (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY delay_ms) FROM later),
                   (SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY delay_ms) FROM later),
                   (SELECT max(delay_ms) FROM later),
                   (SELECT max(c) FROM per_second),
                   (SELECT count(*) FROM per_second)
            """,
            static r => string.Create(
                CultureInfo.InvariantCulture,
                $"ticks {r.GetInt64(0)} (skipped {r.GetInt64(1)}); tick-to-start delay p50 {r.GetDouble(2):0.0} ms, p99 {r.GetDouble(3):0.0} ms, max {r.GetDecimal(4):0.0} ms; busiest second started {r.GetInt64(5)} runs, starts spread over {r.GetInt64(6)} distinct seconds"),
            ct,
            ("ticks", (long)TicksPerProject));
        var summary = $"{Projects} projects added (and run at once) in {adding.Elapsed.TotalSeconds:0.0} s, every {every}, 3 silo processes: {figures.Single()}";
        output.WriteLine(summary);
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "orleanssync-tick-delay.txt"), summary + "\n", ct);
    }
}
