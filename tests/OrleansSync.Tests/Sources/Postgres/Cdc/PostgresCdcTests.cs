using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sources.Postgres.Cdc;

/// <summary>
/// Change capture end to end through the CLI, on a source server of the fixture's own: the initial copy is consistent
/// with the slot while the source is written, then every insert, update, delete and truncate lands in the mirror, an
/// unchanged TOASTed value keeps the mirror's, and the slot never confirms more than the mirror committed.
/// </summary>
[Collection(PostgresCdcCollection.Name)]
public sealed class PostgresCdcTests(PostgresCdcFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Cdc_WritesDuringCopyThenInsertsUpdatesDeletesAndTruncate_MirrorIsExact()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = await SourceDatabase.CreateOnAsync(fixture.Server, ct);
        await source.ExecuteAsync("CREATE TABLE public.items (id integer PRIMARY KEY, note text, qty integer); INSERT INTO public.items SELECT i, 'n' || i, i FROM generate_series(1, 40) AS i;", ct);
        var (project, schema) = await AddAsync(source, "public.items", ct);

        // Written while the initial copy runs: each row is either in the slot's snapshot or in what the slot streams.
        // Its ids count up from 1000 for as long as the copy takes, so the rows written by hand below sit far above them.
        using var stopWriter = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writer = Task.Run(
            async () =>
            {
                for (var i = 1000; !stopWriter.IsCancellationRequested; i++)
                {
                    await source.ExecuteAsync($"INSERT INTO public.items VALUES ({i}, 'during copy', {i}); UPDATE public.items SET qty = qty + 1 WHERE id = {(i % 40) + 1};", CancellationToken.None);
                }
            },
            CancellationToken.None);
        Assert.Equal(0, (await CliAsync("sync", project)).ExitCode);
        await Eventually.UntilAsync(() => CdcProbe.StreamingAsync(fixture.Cluster.Database, project, "public.items", ct), Patience, "the initial copy done", ct);
        await stopWriter.CancelAsync();
        await writer;
        await WaitMirroredAsync(source, schema, "items", "after the copy and the writes during it", ct);

        await source.ExecuteAsync(
            """
            INSERT INTO public.items VALUES (900001, 'new', 1), (900002, NULL, NULL);
            UPDATE public.items SET note = NULL, qty = -1 WHERE id BETWEEN 3 AND 6;
            UPDATE public.items SET id = 905000 WHERE id = 7;
            DELETE FROM public.items WHERE id IN (1, 900002) OR id BETWEEN 1000 AND 1004;
            """,
            ct);
        await source.ExecuteAsync("BEGIN; UPDATE public.items SET note = 'in one transaction' WHERE id > 10; DELETE FROM public.items WHERE id = 11; COMMIT;", ct);
        await WaitMirroredAsync(source, schema, "items", "after inserts, updates, a key change and deletes", ct);
        Assert.True(await CdcProbe.SlotNotAheadAsync(fixture.Cluster.Database, source, project, "public.items", ct), "the slot confirmed more than the mirror committed");

        await source.ExecuteAsync("TRUNCATE public.items; INSERT INTO public.items VALUES (1, 'after truncate', 1);", ct);
        await WaitMirroredAsync(source, schema, "items", "after a truncate", ct);
        await PostgresSnapshotTests.AssertMirroredAsync(fixture.Cluster.Database, source, schema, "public", "items", ct);
        Assert.True(await CdcProbe.SlotNotAheadAsync(fixture.Cluster.Database, source, project, "public.items", ct), "the slot confirmed more than the mirror committed");
    }

    [Fact]
    public async Task Captures_TwoTablesStreamingOnASiloWithOneRunSlot_ASnapshotProjectStillRuns()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = await SourceDatabase.CreateOnAsync(fixture.Server, ct);
        await source.ExecuteAsync(
            "CREATE TABLE public.left_side (id integer PRIMARY KEY); CREATE TABLE public.right_side (id integer PRIMARY KEY); " +
            "CREATE TABLE public.copied (id integer PRIMARY KEY, note text); INSERT INTO public.copied SELECT i, 'n' || i FROM generate_series(1, 10) AS i;",
            ct);
        var (capture, _) = await AddAsync(source, "public.left_side,public.right_side", ct);
        var snapshot = PostgresSnapshotTests.NewProject();
        try
        {
            // Both captures stream at once although the silo has one run slot (the fixture's): neither holds it.
            await StartStreamingAsync(fixture, capture, ["public.left_side", "public.right_side"], ct);

            var added = await CliAsync("project", "add", snapshot, "--source", "postgres", "--source-conn-env", source.Variable, "--tables", "public.copied", "--mode", "snapshot", "--target-schema", $"m_{snapshot}");
            Assert.True(added.ExitCode == 0, added.StdOut + added.StdErr);
            var synced = await CliAsync("sync", snapshot, "--wait");
            Assert.True(synced.ExitCode == 0, synced.StdOut + synced.StdErr);
            await PostgresSnapshotTests.AssertMirroredAsync(fixture.Cluster.Database, source, $"m_{snapshot}", "public", "copied", ct);
        }
        finally
        {
            await EndAsync(fixture, capture);
            await CliAsync("project", "remove", snapshot);
        }
    }

    [Fact]
    public async Task Cdc_UpdateLeavingToastedValueUnchanged_MirrorKeepsTheValue()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = await SourceDatabase.CreateOnAsync(fixture.Server, ct);
        // EXTERNAL: stored out of line, uncompressed, so an update of another column sends it as "unchanged TOAST".
        await source.ExecuteAsync(
            """
            CREATE TABLE public.docs (id integer PRIMARY KEY, body text, n integer);
            ALTER TABLE public.docs ALTER COLUMN body SET STORAGE EXTERNAL;
            INSERT INTO public.docs SELECT i, (SELECT string_agg(md5((g * i)::text), '') FROM generate_series(1, 400) AS g), 0 FROM generate_series(1, 3) AS i;
            """,
            ct);
        var (project, schema) = await AddAsync(source, "public.docs", ct);
        Assert.Equal(0, (await CliAsync("sync", project)).ExitCode);
        await Eventually.UntilAsync(() => CdcProbe.StreamingAsync(fixture.Cluster.Database, project, "public.docs", ct), Patience, "the initial copy done", ct);
        await WaitMirroredAsync(source, schema, "docs", "after the copy", ct);

        await source.ExecuteAsync("UPDATE public.docs SET n = n + 1 WHERE id IN (1, 2); UPDATE public.docs SET body = 'short now', n = 7 WHERE id = 3;", ct);
        await WaitMirroredAsync(source, schema, "docs", "after updates leaving the TOASTed body unchanged", ct);
        Assert.Equal(12_800, await fixture.Cluster.Database.ScalarAsync<int>($"SELECT length(body) FROM \"{schema}\".docs WHERE id = 1", ct));
    }

    [Fact]
    public async Task ProjectAdd_SourceWithoutLogicalWal_RefusedNamingTheSetting()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await OwnPostgresServer.CreateAsync(ct, new Dictionary<string, string> { ["wal_level"] = "replica" });
        await using var source = await SourceDatabase.CreateOnAsync(server, ct);
        await source.ExecuteAsync("CREATE TABLE public.t (id integer PRIMARY KEY);", ct);

        var added = await CliAsync("project", "add", PostgresSnapshotTests.NewProject(), "--source", "postgres", "--source-conn-env", source.Variable, "--tables", "public.t", "--mode", "cdc");

        Assert.Equal(2, added.ExitCode);
        Assert.Contains("wal_level = replica", added.StdErr, StringComparison.Ordinal);
        Assert.Contains("wal_level = logical", added.StdErr, StringComparison.Ordinal);
        Assert.Contains(source.Variable, added.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProjectRemove_CdcProject_DropsItsSlotAndPublicationOrSaysHowToByHand()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = await SourceDatabase.CreateOnAsync(fixture.Server, ct);
        await source.ExecuteAsync("CREATE TABLE public.a (id integer PRIMARY KEY); CREATE TABLE public.b (id integer PRIMARY KEY); INSERT INTO public.a VALUES (1);", ct);
        var (project, _) = await AddAsync(source, "public.a,public.b", ct);
        Assert.Equal(0, (await CliAsync("sync", project)).ExitCode);
        await Eventually.UntilAsync(
            async () => await CdcProbe.StreamingAsync(fixture.Cluster.Database, project, "public.a", ct) && await CdcProbe.StreamingAsync(fixture.Cluster.Database, project, "public.b", ct),
            Patience,
            "both tables streaming",
            ct);
        Assert.Equal(4, (await CdcProbe.SlotsAndPublicationsAsync(source, project, ct)).Count);

        Assert.Equal(0, (await CliAsync("run", "cancel", project)).ExitCode);
        var removed = await CliAsync("project", "remove", project);

        Assert.True(removed.ExitCode == 0 && removed.StdErr.Length == 0, removed.StdOut + removed.StdErr);
        Assert.Empty(await CdcProbe.SlotsAndPublicationsAsync(source, project, ct));

        // A source that cannot be reached: the project goes, and the message names what is left and how to drop it.
        var (other, _) = await AddAsync(source, "public.a", ct);
        Assert.Equal(0, (await CliAsync("sync", other)).ExitCode);
        await Eventually.UntilAsync(() => CdcProbe.StreamingAsync(fixture.Cluster.Database, other, "public.a", ct), Patience, "the second project streaming", ct);
        Assert.Equal(0, (await CliAsync("run", "cancel", other)).ExitCode);
        var closedPort = new Npgsql.NpgsqlConnectionStringBuilder(source.ConnectionString) { Port = FreePorts.Take(1)[0] }.ConnectionString;
        Environment.SetEnvironmentVariable(source.Variable, closedPort);
        var unreachable = await CliAsync("project", "remove", other);
        Environment.SetEnvironmentVariable(source.Variable, source.ConnectionString);

        Assert.True(unreachable.ExitCode == 0, unreachable.StdOut + unreachable.StdErr);
        var left = Assert.Single(await CdcProbe.SlotsAndPublicationsAsync(source, other, ct), static n => n.StartsWith("slot ", StringComparison.Ordinal))["slot ".Length..];
        Assert.Contains("could not be reached", unreachable.StdErr, StringComparison.Ordinal);
        Assert.Contains($"SELECT pg_drop_replication_slot('{left}')", unreachable.StdErr, StringComparison.Ordinal);
        Assert.NotEqual(0, (await CliAsync("project", "show", other)).ExitCode);
    }

    internal Task<(string Project, string Schema)> AddAsync(SourceDatabase source, string tables, CancellationToken ct) => AddAsync(fixture, source, tables, ct);

    /// <summary>Adds a cdc project of <paramref name="tables"/> through the CLI; its mirror schema is <c>m_</c> and the project's id.</summary>
    internal static async Task<(string Project, string Schema)> AddAsync(PostgresCdcFixture fixture, SourceDatabase source, string tables, CancellationToken ct)
    {
        var project = PostgresSnapshotTests.NewProject();
        var schema = $"m_{project}";
        var added = await Infrastructure.Cli.RunAsync(
            fixture.Cluster.CliEnvironment(), ct, "project", "add", project, "--source", "postgres", "--source-conn-env", source.Variable, "--tables", tables, "--mode", "cdc", "--target-schema", schema);
        Assert.True(added.ExitCode == 0, added.StdOut + added.StdErr);
        return (project, schema);
    }

    /// <summary>Starts a run of <paramref name="project"/> and waits until every one of <paramref name="tables"/> streams; the task of each table.</summary>
    internal static async Task<Dictionary<string, string>> StartStreamingAsync(PostgresCdcFixture fixture, string project, IReadOnlyList<string> tables, CancellationToken ct)
    {
        var started = await Infrastructure.Cli.RunAsync(fixture.Cluster.CliEnvironment(), ct, "sync", project, "--json");
        Assert.True(started.ExitCode == 0, started.StdOut + started.StdErr);
        foreach (var table in tables)
        {
            await Eventually.UntilAsync(() => CdcProbe.StreamingAsync(fixture.Cluster.Database, project, table, ct), Patience, $"{table} streaming", ct);
        }

        return CdcProbe.TaskIds(started.StdOut);
    }

    /// <summary>Cancels the project's run and removes it, so its streams stop and its slots go (the source server has 10 of each).</summary>
    internal static async Task EndAsync(PostgresCdcFixture fixture, string project)
    {
        var ct = CancellationToken.None;
        await Infrastructure.Cli.RunAsync(fixture.Cluster.CliEnvironment(), ct, "run", "cancel", project);
        await Infrastructure.Cli.RunAsync(fixture.Cluster.CliEnvironment(), ct, "project", "remove", project);
    }

    private Task WaitMirroredAsync(SourceDatabase source, string schema, string table, string when, CancellationToken ct) =>
        Eventually.UntilAsync(() => CdcProbe.MirroredAsync(fixture.Cluster.Database, source, schema, table, ct), Patience, $"the mirror of {table} exact {when}", ct);

    private Task<Infrastructure.Cli.Result> CliAsync(params string[] args) =>
        Infrastructure.Cli.RunAsync(fixture.Cluster.CliEnvironment(), TestContext.Current.CancellationToken, args);
}
