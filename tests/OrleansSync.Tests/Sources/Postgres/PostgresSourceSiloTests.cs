using System.Text.Json;
using Npgsql;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Security;

namespace OrleansSync.Tests.Sources.Postgres;

/// <summary>
/// A PostgreSQL source on real silo processes: a snapshot or cursor run whose silo is killed with SIGKILL midway
/// resumes on the other silo after its last landed chunk, and the source's connection string (and a wrong one) never shows in the
/// CLI's outputs, the silos' logs or any table of the cluster's database, through refusals and waits included.
/// </summary>
public sealed class PostgresSourceSiloTests
{
    private const int Rows = 200_000;
    private const int ChunkRows = 1_000;

    [Theory]
    [InlineData("snapshot")]
    [InlineData("cursor")]
    public async Task Sync_SiloKilledMidRun_ResumesAfterLastChunkWithExactMirrorAndCounters(string mode)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await SourceDatabase.CreateAsync(ct);
        await source.ExecuteAsync(
            $"""
            CREATE TABLE public.big (id bigint PRIMARY KEY, payload text, amount numeric(14,4), at timestamptz);
            INSERT INTO public.big SELECT i, md5(i::text), i / 7.0, '2026-01-01'::timestamptz + (i / 3) * interval '1 second' FROM generate_series(1, {Rows}) AS i;
            CREATE INDEX ON public.big (at, id);
            """,
            ct);
        await using var cluster = await ProcessCluster.StartAsync(silos: 2, ct, SiloEnvironment((source.Variable, source.ConnectionString)));
        var project = PostgresSnapshotTests.NewProject();
        var schema = $"m_{project}";
        // In cursor mode the cursor ties in threes, so kills and chunk boundaries fall inside ties too.
        string[] modeFlags = mode == "cursor" ? ["--mode", "cursor", "--cursor-column", "at"] : ["--mode", mode];
        Assert.Equal(0, (await CliAsync(cluster, ["project", "add", project, "--source", "postgres", "--source-conn-env", source.Variable, "--tables", "public.big", "--target-schema", schema, .. modeFlags])).ExitCode);
        await using var connection = await cluster.ConnectAsync(ct);

        var started = await connection.Client.GetGrain<IProjectGrain>(project).SyncAsync(new SyncRequest(null, Full: false, "test"), ct);
        var task = connection.Client.GetGrain<ISyncTaskGrain>(Assert.Single(started.Run.Tasks).TaskId);
        var landed = await Eventually.ValueAsync(
            async () => await CheckpointAsync(cluster, project, ct) is { Position: >= 3 and <= Rows / ChunkRows } c ? c : null,
            TimeSpan.FromMinutes(1),
            "three chunks of the run landed, and not the last",
            ct);
        var running = await task.GetAsync(ct);
        var victim = cluster.Silos.Single(s => s.Name == running!.Silo);
        await victim.KillAsync();

        var done = await Eventually.ValueAsync(
            async () => await task.GetAsync(ct) is { Status: SyncTaskStatus.Succeeded } view ? view : null,
            TimeSpan.FromMinutes(2),
            $"the {mode} run to finish on the survivor after {victim.Name} was killed at chunk {landed.Position}",
            ct,
            transient: static e => e is Orleans.Runtime.OrleansException or TimeoutException);
        Assert.NotEqual(victim.Name, done.Silo);

        await PostgresSnapshotTests.AssertMirroredAsync(cluster.Database, source, schema, "public", "big", ct);
        // Resumed after the last committed chunk, not from the start: the run's chunks count once each (the last one
        // finds the table's end), and the counters committed with them are exact.
        Assert.Equal(Rows / ChunkRows + 1, (await CheckpointAsync(cluster, project, ct))!.Position);
        Assert.True(done.Progress is { RecordsRead: Rows, Inserted: Rows }, $"killed at chunk {landed.Position}; counters {done.Progress}");
    }

    [Fact]
    public async Task AddSyncRefusalsAndWaits_ConnectionStringAppearsNowhere()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await SourceDatabase.CreateAsync(ct);
        await source.ExecuteAsync("CREATE TABLE public.t (id integer PRIMARY KEY, note text); INSERT INTO public.t VALUES (1, 'a'), (2, NULL);", ct);
        var role = $"ost_pgsrc_{Guid.NewGuid():N}"[..24];
        var password = $"srcpw-{Guid.NewGuid():N}";
        var wrongPassword = $"srcwrong-{Guid.NewGuid():N}";
        var good = new NpgsqlConnectionStringBuilder(source.ConnectionString) { Username = role, Password = password }.ConnectionString;
        var wrong = new NpgsqlConnectionStringBuilder(source.ConnectionString) { Username = role, Password = wrongPassword }.ConnectionString;
        var (goodVariable, wrongVariable) = ("ORLEANSSYNC_SECRET_PGSRC_LEAK", "ORLEANSSYNC_SECRET_PGSRC_LEAK_WRONG");
        var needles = new Needles();
        needles.Add("source password", password);
        needles.Add("wrong source password", wrongPassword);
        needles.Add("source connection string", good);
        await PostgresServer.CreateLoginRoleAsync(role, password, new NpgsqlConnectionStringBuilder(TestDatabase.Server).Username!, ct);
        try
        {
            await using var cluster = await ProcessCluster.StartAsync(silos: 1, ct, SiloEnvironment((goodVariable, good), (wrongVariable, wrong)));
            var project = PostgresSnapshotTests.NewProject();
            var outputs = new List<(string What, Infrastructure.Cli.Result Result)>();
            async Task<Infrastructure.Cli.Result> ExpectAsync(int exitCode, params string[] args)
            {
                var result = await CliAsync(cluster, args);
                outputs.Add((string.Join(' ', args), result));
                Assert.True(result.ExitCode == exitCode, $"{string.Join(' ', args)}: exit {result.ExitCode}, {result.StdOut} {result.StdErr}");
                return result;
            }

            await ExpectAsync(2, "project", "add", project, "--source", "postgres", "--source-conn-env", wrongVariable, "--tables", "public.t");
            await ExpectAsync(0, "project", "add", project, "--source", "postgres", "--source-conn-env", goodVariable, "--tables", "public.t");
            await ExpectAsync(0, "sync", project, "--wait", "--json");
            // A table gone: the task waits, its error in its grain state, sync.progress and the log.
            await source.ExecuteAsync("ALTER TABLE public.t RENAME TO t_gone", ct);
            var sync = await ExpectAsync(0, "sync", project, "--json");
            var taskId = JsonDocument.Parse(sync.StdOut).RootElement.GetProperty("run").GetProperty("tasks")[0].GetProperty("taskId").GetString()!;
            await Eventually.UntilAsync(
                async () => (await CliAsync(cluster, "task", "show", taskId, "--json")).StdOut.Contains("does not exist", StringComparison.Ordinal),
                TimeSpan.FromMinutes(1),
                "the task waiting, naming the table gone",
                ct);
            await ExpectAsync(0, "task", "show", taskId, "--json");
            await ExpectAsync(0, "task", "list", "--json");
            await ExpectAsync(0, "project", "show", project, "--json");
            await ExpectAsync(0, "project", "list");

            var findings = new List<string>();
            foreach (var (what, result) in outputs)
            {
                findings.AddRange(needles.FoundIn(result.StdOut + result.StdErr).Select(n => $"{n} in the output of {what}"));
            }

            findings.AddRange(needles.FoundIn(await File.ReadAllTextAsync(cluster.Silos[0].LogPath, ct)).Select(static n => $"{n} in the silo's log"));
            var (tables, inDatabase) = await SecretLeakTests.ScanDatabaseAsync(cluster.Database, needles, ct);
            findings.AddRange(inDatabase);
            Assert.True(findings.Count == 0, string.Join("; ", findings));
            Assert.Contains($"mirror_{project}.t", tables);
            // The scan would have seen a planted value: the variable's name is in the project's (binary) grain state.
            var control = new Needles();
            control.Add("the variable's name", goodVariable);
            Assert.Contains(
                (await SecretLeakTests.ScanDatabaseAsync(cluster.Database, control, ct)).Findings,
                static f => f.Contains("public.orleansstorage", StringComparison.Ordinal));
        }
        finally
        {
            await PostgresServer.DropRoleAsync(role, CancellationToken.None);
        }
    }

    private static Dictionary<string, string?> SiloEnvironment(params (string Variable, string Value)[] secrets)
    {
        var environment = new Dictionary<string, string?>
        {
            ["OrleansSync__Postgres__ChunkRows"] = ChunkRows.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OrleansSync__Tasks__WatchdogPeriod"] = "00:00:03",
            ["OrleansSync__Tasks__RetryBaseDelay"] = "00:00:00.200",
        };
        foreach (var (variable, value) in secrets)
        {
            environment[variable] = value;
        }

        return environment;
    }

    // The last chunk is the first one short of ChunkRows (Rows / ChunkRows + 1, an empty one): a position at or before
    // Rows / ChunkRows is not the last, in either mode.
    private sealed record class RunCheckpoint(long Position);

    private static async Task<RunCheckpoint?> CheckpointAsync(ProcessCluster cluster, string project, CancellationToken ct) =>
        (await cluster.Database.ListAsync(
            "SELECT position FROM sync.checkpoints WHERE project_id = @p AND stream = 'public.big'",
            static r => new RunCheckpoint(r.GetInt64(0)),
            ct,
            ("p", project))).SingleOrDefault();

    private static Task<Infrastructure.Cli.Result> CliAsync(ProcessCluster cluster, params string[] args) =>
        Infrastructure.Cli.RunAsync(cluster.CliEnvironment(), TestContext.Current.CancellationToken, args);
}
