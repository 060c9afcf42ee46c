using OrleansSync.Projects;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sources.Postgres.Cdc;

/// <summary>
/// Change capture on real silo processes: the silo applying a 50,000-row source transaction is killed with SIGKILL
/// midway (some of its batches committed), and the task, woken on the other silo, streams the transaction again from
/// the checkpoint before it: the mirror ends exact, and the slot confirms no more than the mirror committed.
/// </summary>
public sealed class PostgresCdcSiloTests
{
    private const int Rows = 50_000;
    private const int BatchRows = 500;

    [Fact]
    public async Task Cdc_SiloKilledMidwayThroughA50000RowTransaction_MirrorIsExactAfterResume()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await OwnPostgresServer.CreateAsync(ct, new Dictionary<string, string> { ["wal_level"] = "logical" });
        var source = await SourceDatabase.CreateOnAsync(server, ct);
        await source.ExecuteAsync("CREATE TABLE public.big (id bigint PRIMARY KEY, payload text, n integer); INSERT INTO public.big SELECT i, md5(i::text), 0 FROM generate_series(1, 100) AS i;", ct);
        await using var cluster = await ProcessCluster.StartAsync(silos: 2, ct, new Dictionary<string, string?>
        {
            [source.Variable] = source.ConnectionString,
            ["OrleansSync__Postgres__Cdc__BatchRows"] = BatchRows.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OrleansSync__Postgres__Cdc__FlushDelay"] = "00:00:00.050",
            ["OrleansSync__Postgres__Cdc__IdleReport"] = "00:00:01",
            ["OrleansSync__Tasks__WatchdogPeriod"] = "00:00:03",
            ["OrleansSync__Tasks__RetryBaseDelay"] = "00:00:00.200",
        });
        var project = PostgresSnapshotTests.NewProject();
        var schema = $"m_{project}";
        var added = await Infrastructure.Cli.RunAsync(cluster.CliEnvironment(), ct, "project", "add", project, "--source", "postgres", "--source-conn-env", source.Variable, "--tables", "public.big", "--mode", "cdc", "--target-schema", schema);
        Assert.True(added.ExitCode == 0, added.StdOut + added.StdErr);
        await using var connection = await cluster.ConnectAsync(ct);
        var started = await connection.Client.GetGrain<IProjectGrain>(project).SyncAsync(new SyncRequest(null, Full: false, "test"), ct);
        var task = connection.Client.GetGrain<ISyncTaskGrain>(Assert.Single(started.Run.Tasks).TaskId);
        await Eventually.UntilAsync(() => CdcProbe.StreamingAsync(cluster.Database, project, "public.big", ct), TimeSpan.FromMinutes(1), "the initial copy done", ct);

        await source.ExecuteAsync($"BEGIN; INSERT INTO public.big SELECT i, md5(i::text), 1 FROM generate_series(1001, {1000 + Rows}) AS i; UPDATE public.big SET n = n + 1, payload = 'updated' WHERE id <= 100; COMMIT;", ct);
        var landed = await Eventually.ValueAsync(
            async () => await cluster.Database.ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".big WHERE id > 1000", ct) is >= 5 * BatchRows and var n ? (object)n : null,
            TimeSpan.FromMinutes(1),
            "several batches of the large transaction landed",
            ct);
        var running = await task.GetAsync(ct);
        var victim = cluster.Silos.Single(s => s.Name == running!.Silo);
        await victim.KillAsync();
        Assert.InRange((long)landed, 5 * BatchRows, Rows - 1);

        await Eventually.UntilAsync(
            () => CdcProbe.MirroredAsync(cluster.Database, source, schema, "big", ct),
            TimeSpan.FromMinutes(2),
            $"the mirror exact after {victim.Name} was killed with {landed} rows of the transaction landed",
            ct);
        await PostgresSnapshotTests.AssertMirroredAsync(cluster.Database, source, schema, "public", "big", ct);
        Assert.NotEqual(victim.Name, (await task.GetAsync(ct))!.Silo);
        Assert.True(await CdcProbe.SlotNotAheadAsync(cluster.Database, source, project, "public.big", ct), "the slot confirmed more than the mirror committed");
    }
}
