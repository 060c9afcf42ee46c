using OrleansSync.Projects;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sources.Postgres;

/// <summary>One silo with one run slot, so a run's tables are read one after the other, never at once.</summary>
public sealed class PostgresOneSlotFixture : ClusterFixture
{
    protected override short Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OrleansSync:Postgres:ChunkRows"] = PostgresSourceFixture.ChunkRows.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["OrleansSync:Placement:MaxRunningPerSilo"] = "1",
    };
}

/// <summary>
/// A snapshot run copies all of a project's tables as of one instant: a change committed to two tables after the
/// first table's read began, and before the second's could (the second waits for the silo's only run slot), is seen in
/// neither mirror or in both, never in one.
/// </summary>
public sealed class PostgresSharedSnapshotTests(PostgresOneSlotFixture fixture) : IClassFixture<PostgresOneSlotFixture>
{
    private const int Rows = 1_000;

    [Fact]
    public async Task Sync_ChangeCommittedBetweenReadingTwoTables_IsSeenInNeitherOrBoth()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await SourceDatabase.CreateAsync(ct);
        await source.ExecuteAsync(
            $"""
            CREATE TABLE public.left_side (id integer PRIMARY KEY, note text);
            CREATE TABLE public.right_side (id integer PRIMARY KEY, note text);
            INSERT INTO public.left_side SELECT i, 'l' || i FROM generate_series(1, {Rows}) AS i;
            INSERT INTO public.right_side SELECT i, 'r' || i FROM generate_series(1, {Rows}) AS i;
            """,
            ct);
        var project = PostgresSnapshotTests.NewProject();
        var schema = $"m_{project}";
        Assert.Equal(0, (await CliAsync("project", "add", project, "--source", "postgres", "--source-conn-env", source.Variable,
            "--tables", "public.left_side,public.right_side", "--target-schema", schema)).ExitCode);

        var started = await fixture.Cluster.Client.GetGrain<IProjectGrain>(project).SyncAsync(new SyncRequest(null, Full: false, "test"), ct);
        Assert.Equal(2, started.Run.Tasks.Count);
        var first = await Eventually.ValueAsync(() => ReadingAsync(project, ct), TimeSpan.FromSeconds(60), "two chunks of the first table landed", ct);
        await source.ExecuteAsync("BEGIN; INSERT INTO public.left_side VALUES (0, 'both'); INSERT INTO public.right_side VALUES (0, 'both'); COMMIT;", ct);
        // Still reading the first table after the commit: the second one, waiting for the only slot, had not begun.
        Assert.Equal(first, await ReadingAsync(project, ct));

        var done = await CliAsync("sync", project, "--wait");
        Assert.True(done.ExitCode == 0, done.StdOut + done.StdErr);
        var seen = new List<bool>();
        foreach (var table in new[] { "left_side", "right_side" })
        {
            seen.Add((await fixture.Cluster.Database.ListAsync($"SELECT count(*) FROM {schema}.{table} WHERE id = 0", static r => r.GetInt64(0), ct)).Single() == 1);
        }

        Assert.True(seen[0] == seen[1], $"the change committed while {first} was read is in left_side: {seen[0]}, in right_side: {seen[1]}");
    }

    /// <summary>The table being read, once it has landed two chunks and not its last; null otherwise.</summary>
    private async Task<string?> ReadingAsync(string project, CancellationToken ct) =>
        (await fixture.Cluster.Database.ListAsync(
            "SELECT stream FROM sync.checkpoints WHERE project_id = @p AND position >= 2 AND NOT (cursor->>'done')::boolean",
            static r => r.GetString(0),
            ct,
            ("p", project))).SingleOrDefault();

    private Task<Infrastructure.Cli.Result> CliAsync(params string[] args) =>
        Infrastructure.Cli.RunAsync(fixture.Cluster.CliEnvironment(), TestContext.Current.CancellationToken, args);
}
