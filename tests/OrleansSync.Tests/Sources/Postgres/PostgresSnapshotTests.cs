using OrleansSync.Projects;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sources.Postgres;

/// <summary>
/// A PostgreSQL source read by snapshot, end to end through the CLI: <c>project add --source postgres</c>, <c>sync
/// --wait</c>, and the mirror compared with the source row by row (each row as PostgreSQL prints it) and column by
/// column (names, exact types, primary key).
/// </summary>
[Collection(PostgresSourceCollection.Name)]
public sealed class PostgresSnapshotTests(PostgresSourceFixture fixture)
{
    // Every type the mirror must hold exactly, NULLs in every nullable column, a mixed-case schema, table and columns,
    // a two-column key, and more rows than one chunk.
    private const string TypedTable = """
        CREATE SCHEMA "Sales";
        CREATE TABLE "Sales"."Order Items" (
            "Order Id" bigint NOT NULL,
            "Line" text NOT NULL,
            qty integer,
            price numeric(12,2),
            ratio numeric,
            weight double precision,
            label varchar(20),
            blob bytea,
            ref uuid,
            at timestamptz,
            local_at timestamp(3),
            day date,
            doc jsonb,
            raw_doc json,
            tags text[],
            counts int[],
            matrix numeric(6,1)[],
            active boolean,
            span interval,
            PRIMARY KEY ("Order Id", "Line"));
        INSERT INTO "Sales"."Order Items"
        SELECT i / 3, 'line ' || (i % 3), i, i * 1.25, (i::numeric / 7), i / 3.0, 'label' || i,
               decode(md5(i::text), 'hex'), md5(i::text)::uuid, '2026-01-01 00:00:00+00'::timestamptz + i * interval '1 hour 1.5 seconds',
               '2026-02-03 04:05:06.789'::timestamp + i * interval '1 day', '2026-03-01'::date + i,
               jsonb_build_object('i', i, 'nested', jsonb_build_array(i, 'x', null)), ('{"keep":  "spacing", "i": ' || i || '}')::json,
               ARRAY['a' || i, NULL, 'with "quote", comma'], ARRAY[i, i + 1], ARRAY[[i * 1.5, 2], [3, NULL]]::numeric(6,1)[], i % 2 = 0, i * interval '1 minute'
          FROM generate_series(1, 17) AS i;
        INSERT INTO "Sales"."Order Items" ("Order Id", "Line") VALUES (100, 'all nulls');
        INSERT INTO "Sales"."Order Items" ("Order Id", "Line", ratio, label, tags) VALUES (101, 'edge', 'NaN', '', '{}');
        CREATE TABLE public.plain (id integer PRIMARY KEY, note text);
        INSERT INTO public.plain SELECT i, 'note ' || i FROM generate_series(1, 9) AS i;
        """;

    [Fact]
    public async Task Sync_SnapshotOfEveryListedTypeAndQuotedNames_MirrorIsExact()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await SourceDatabase.CreateAsync(ct);
        await source.ExecuteAsync(TypedTable, ct);
        var project = NewProject();

        var added = await CliAsync("project", "add", project, "--source", "postgres", "--source-conn-env", source.Variable,
            "--tables", "\"Sales\".\"Order Items\",public.plain", "--target-schema", $"m_{project}");
        Assert.True(added.ExitCode == 0, added.StdErr);
        Assert.Equal(
            [$"\"Sales\".\"Order Items\" m_{project}.\"Order Items\" - not started -", $"public.plain m_{project}.plain - not started -"],
            await StandingAsync(project));
        var synced = await CliAsync("sync", project, "--wait");
        Assert.True(synced.ExitCode == 0, synced.StdOut + synced.StdErr);

        await AssertMirroredAsync(source, $"m_{project}", "Sales", "Order Items", ct);
        await AssertMirroredAsync(source, $"m_{project}", "public", "plain", ct);
        // project show gives each table's mirror, its rows and where its checkpoint is, and the run's task.
        Assert.Equal(
            [$"\"Sales\".\"Order Items\" m_{project}.\"Order Items\" 19 snapshot done Succeeded", $"public.plain m_{project}.plain 9 snapshot done Succeeded"],
            await StandingAsync(project));
        var shown = await CliAsync("project", "show", project);
        Assert.True(shown.ExitCode == 0, shown.StdErr);
        Assert.Contains("snapshot done", shown.StdOut, StringComparison.Ordinal);
        Assert.Matches(@"public\.plain\s+│\s+9\s+│\s+snapshot done\s+│\s+succeeded", shown.StdOut);
        // Each row read once, in chunks of ChunkRows and a last one short of it (19 rows: 4 + 4 + 4 + 4 + 3).
        var counters = await fixture.Cluster.Database.ListAsync(
            "SELECT stream, position, task_records_read, task_inserted FROM sync.checkpoints WHERE project_id = @p ORDER BY stream",
            static r => $"{r.GetString(0)} {r.GetInt64(1)} {r.GetInt64(2)} {r.GetInt64(3)}",
            ct,
            ("p", project));
        Assert.Equal(["\"Sales\".\"Order Items\" 5 19 19", "public.plain 3 9 9"], counters);
    }

    /// <summary>Each stream of <c>project show --json</c>'s <c>streams</c>: table, mirror, rows, position and task status, spaced.</summary>
    private async Task<List<string>> StandingAsync(string project)
    {
        var shown = await CliAsync("project", "show", project, "--json");
        Assert.True(shown.ExitCode == 0, shown.StdErr);
        using var document = System.Text.Json.JsonDocument.Parse(shown.StdOut);
        return [.. document.RootElement.GetProperty("streams").EnumerateArray().Select(static s => string.Join(' ', new[] { "stream", "mirror", "rows", "position", "status" }.Select(name =>
            s.GetProperty(name) is { ValueKind: not System.Text.Json.JsonValueKind.Null } value ? value.ToString() : "-")))];
    }

    [Fact]
    public async Task Sync_RowsDeletedUpdatedAndInsertedOnSource_NextSnapshotMirrorsThem()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await SourceDatabase.CreateAsync(ct);
        await source.ExecuteAsync(TypedTable, ct);
        var project = NewProject();
        Assert.Equal(0, (await CliAsync("project", "add", project, "--source", "postgres", "--source-conn-env", source.Variable,
            "--tables", "\"Sales\".\"Order Items\",public.plain", "--target-schema", $"m_{project}")).ExitCode);
        Assert.Equal(0, (await CliAsync("sync", project, "--wait")).ExitCode);

        // Deleted rows at the start, inside and past the end of a chunk, and every row of the table's tail; an update
        // to NULL and from NULL; new rows between and after the old keys.
        await source.ExecuteAsync(
            """
            DELETE FROM "Sales"."Order Items" WHERE "Order Id" IN (0, 2) OR ("Order Id" = 4 AND "Line" = 'line 1') OR "Order Id" >= 100;
            UPDATE "Sales"."Order Items" SET price = NULL, doc = '{"changed": true}', tags = ARRAY['x'] WHERE "Order Id" = 3;
            UPDATE "Sales"."Order Items" SET qty = 42 WHERE "Order Id" = 1 AND "Line" = 'line 2';
            INSERT INTO "Sales"."Order Items" ("Order Id", "Line", qty) VALUES (2, 'new', 7), (500, 'late', 8);
            DELETE FROM public.plain WHERE id <> 5;
            """,
            ct);
        var second = await CliAsync("sync", project, "--wait");
        Assert.True(second.ExitCode == 0, second.StdOut + second.StdErr);

        await AssertMirroredAsync(source, $"m_{project}", "Sales", "Order Items", ct);
        await AssertMirroredAsync(source, $"m_{project}", "public", "plain", ct);
        // The rows deleted above, counted where the other counters are: each task's progress (task show), and the run's.
        var tasks = await fixture.Cluster.Database.ListAsync(
            "SELECT task_id, stream FROM sync.progress WHERE project_id = @p AND run_id = (SELECT max(run_id) FROM sync.runs WHERE project_id = @p) ORDER BY stream",
            static r => (TaskId: r.GetString(0), Stream: r.GetString(1)),
            ct,
            ("p", project));
        var deleted = new List<string>();
        foreach (var (taskId, stream) in tasks)
        {
            var shown = await CliAsync("task", "show", taskId, "--json");
            deleted.Add($"{stream} {System.Text.Json.JsonDocument.Parse(shown.StdOut).RootElement.GetProperty("progress").GetProperty("deleted").GetInt64()}");
        }

        Assert.Equal(["\"Sales\".\"Order Items\" 8", "public.plain 8"], deleted);
        Assert.Equal([16L], await fixture.Cluster.Database.ListAsync(
            "SELECT records_deleted FROM sync.runs WHERE project_id = @p ORDER BY run_id DESC LIMIT 1", static r => r.GetInt64(0), ct, ("p", project)));
    }

    [Fact]
    public async Task Sync_PausedMidSnapshotThenResumed_GoesOnAfterTheLastChunkReadingEachRowOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        const int rows = 4_001;
        await using var source = await SourceDatabase.CreateAsync(ct);
        await source.ExecuteAsync($"CREATE TABLE public.many (id integer PRIMARY KEY, note text); INSERT INTO public.many SELECT i, 'n' || i FROM generate_series(1, {rows}) AS i;", ct);
        var project = NewProject();
        Assert.Equal(0, (await CliAsync("project", "add", project, "--source", "postgres", "--source-conn-env", source.Variable, "--tables", "public.many", "--target-schema", $"m_{project}")).ExitCode);

        var started = await fixture.Cluster.Client.GetGrain<IProjectGrain>(project).SyncAsync(new SyncRequest(null, Full: false, "test"), ct);
        var task = fixture.Cluster.Client.GetGrain<ISyncTaskGrain>(Assert.Single(started.Run.Tasks).TaskId);
        await Eventually.UntilAsync(async () => (await task.GetAsync(ct))?.Progress.Pages >= 2, TimeSpan.FromSeconds(60), "two chunks landed", ct);
        await task.PauseAsync(ct);
        var paused = await Eventually.ValueAsync(async () => await task.GetAsync(ct) is { Status: SyncTaskStatus.Paused } v ? v : null, TimeSpan.FromSeconds(60), "the task paused", ct);
        Assert.InRange(paused.Progress.RecordsRead, 1, rows - 1);
        await task.ResumeAsync(ct);
        var done = await Eventually.ValueAsync(async () => await task.GetAsync(ct) is { Status: SyncTaskStatus.Succeeded } v ? v : null, TimeSpan.FromSeconds(120), "the task done", ct);

        await AssertMirroredAsync(source, $"m_{project}", "public", "many", ct);
        Assert.True(done.Progress is { RecordsRead: rows, Inserted: rows, Pages: (rows / PostgresSourceFixture.ChunkRows) + 1 }, $"paused at {paused.Progress}; done with {done.Progress}");
    }

    internal static Task AssertMirroredAsync(PostgresSourceFixture fixture, SourceDatabase source, string targetSchema, string schema, string table, CancellationToken ct) =>
        AssertMirroredAsync(fixture.Cluster.Database, source, targetSchema, schema, table, ct);

    /// <summary>The mirror of <paramref name="schema"/>.<paramref name="table"/> in <paramref name="mirror"/> has the source's rows, columns, exact types and key.</summary>
    internal static async Task AssertMirroredAsync(TestDatabase mirror, SourceDatabase source, string targetSchema, string schema, string table, CancellationToken ct)
    {
        var sourceRows = await SourceDatabase.RowsAsync(source.Database, $"{Quote(schema)}.{Quote(table)}", ct);
        var mirrorRows = await SourceDatabase.RowsAsync(mirror, $"{Quote(targetSchema)}.{Quote(table)}", ct);
        Assert.Equal(sourceRows, mirrorRows);
        Assert.NotEmpty(sourceRows);
        var (sourceColumns, sourceKey) = await SourceDatabase.ShapeAsync(source.Database, schema, table, ct);
        var (mirrorColumns, mirrorKey) = await SourceDatabase.ShapeAsync(mirror, targetSchema, table, ct);
        Assert.Equal(sourceColumns, mirrorColumns);
        Assert.Equal(sourceKey, mirrorKey);
    }

    private Task AssertMirroredAsync(SourceDatabase source, string targetSchema, string schema, string table, CancellationToken ct) =>
        AssertMirroredAsync(fixture, source, targetSchema, schema, table, ct);

    private static string Quote(string name) => $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    internal static string NewProject() => $"pg{Guid.NewGuid():N}"[..14];

    private Task<Infrastructure.Cli.Result> CliAsync(params string[] args) =>
        Infrastructure.Cli.RunAsync(fixture.Cluster.CliEnvironment(), TestContext.Current.CancellationToken, args);
}
