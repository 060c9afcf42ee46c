using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sources.Postgres;

/// <summary>
/// A PostgreSQL source read by cursor (<c>--mode cursor --cursor-column COL</c>), end to end through the CLI: each run
/// lands the rows whose (cursor, primary key) comes after the last one landed, in chunks of
/// <see cref="PostgresSourceFixture.ChunkRows"/>; rows deleted on the source stay in the mirror.
/// </summary>
[Collection(PostgresSourceCollection.Name)]
public sealed class PostgresCursorTests(PostgresSourceFixture fixture)
{
    [Fact]
    public async Task Sync_RowsInsertedAndUpdatedBetweenRuns_LandAndDeletedRowsStay()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await SourceDatabase.CreateAsync(ct);
        await source.ExecuteAsync(
            """
            CREATE TABLE public.items (id integer PRIMARY KEY, note text, "Updated At" timestamptz NOT NULL);
            INSERT INTO public.items SELECT i, 'note ' || i, '2026-01-01 00:00:00+00'::timestamptz + i * interval '1 minute' FROM generate_series(1, 10) AS i;
            """,
            ct);
        var project = PostgresSnapshotTests.NewProject();
        var schema = $"m_{project}";
        var added = await CliAsync("project", "add", project, "--source", "postgres", "--source-conn-env", source.Variable,
            "--tables", "public.items", "--mode", "cursor", "--cursor-column", "\"Updated At\"", "--target-schema", schema);
        Assert.True(added.ExitCode == 0, added.StdErr);
        var first = await CliAsync("sync", project, "--wait");
        Assert.True(first.ExitCode == 0, first.StdOut + first.StdErr);
        await PostgresSnapshotTests.AssertMirroredAsync(fixture, source, schema, "public", "items", ct);

        var deleted = Assert.Single(await source.Database.ListAsync("SELECT r::text FROM public.items AS r WHERE id = 7", static r => r.GetString(0), ct));
        await source.ExecuteAsync(
            """
            UPDATE public.items SET note = 'changed', "Updated At" = '2026-01-02 00:00:00+00' WHERE id IN (2, 5);
            INSERT INTO public.items VALUES (11, 'new', '2026-01-02 00:00:01+00'), (12, NULL, '2026-01-02 00:00:02+00');
            DELETE FROM public.items WHERE id = 7;
            """,
            ct);
        var second = await CliAsync("sync", project, "--wait");
        Assert.True(second.ExitCode == 0, second.StdOut + second.StdErr);

        var expected = (await SourceDatabase.RowsAsync(source.Database, "public.items", ct)).Append(deleted).Order(StringComparer.Ordinal);
        var mirrored = (await SourceDatabase.RowsAsync(fixture.Cluster.Database, $"{schema}.items", ct)).Order(StringComparer.Ordinal);
        Assert.Equal(expected, mirrored);
        // The second run read only the four rows past the first one's position: two updated, two new.
        Assert.Equal(["4 2 2"], await CountersAsync(project, "public.items", ct));
    }

    [Fact]
    public async Task Sync_TiesOnTheCursorAcrossChunkBoundaries_NoRowLost()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await SourceDatabase.CreateAsync(ct);
        // Eleven rows share stamp 1 and three share stamp 2: with chunks of 4, chunk boundaries fall inside both ties,
        // so a position of the stamp alone would skip (>) or repeat (>=) rows; the key breaks the ties.
        await source.ExecuteAsync(
            """
            CREATE TABLE public.ticks (batch integer, seq integer, stamp bigint NOT NULL, note text, PRIMARY KEY (batch, seq));
            INSERT INTO public.ticks SELECT i % 3, i, 1, 'first ' || i FROM generate_series(1, 11) AS i;
            INSERT INTO public.ticks SELECT 5, i, 2, 'second ' || i FROM generate_series(1, 3) AS i;
            """,
            ct);
        var project = PostgresSnapshotTests.NewProject();
        var schema = $"m_{project}";
        Assert.Equal(0, (await CliAsync("project", "add", project, "--source", "postgres", "--source-conn-env", source.Variable,
            "--tables", "public.ticks", "--mode", "cursor", "--cursor-column", "stamp", "--target-schema", schema)).ExitCode);
        var first = await CliAsync("sync", project, "--wait");
        Assert.True(first.ExitCode == 0, first.StdOut + first.StdErr);
        await PostgresSnapshotTests.AssertMirroredAsync(fixture, source, schema, "public", "ticks", ct);
        // 14 rows: three full chunks, then one of 2 that ends the run.
        Assert.Equal(["14 14 0"], await CountersAsync(project, "public.ticks", ct));

        // New rows tied with the stored position's stamp (2) but after its key, and more than a chunk of them.
        await source.ExecuteAsync("INSERT INTO public.ticks SELECT 5, i, 2, 'late ' || i FROM generate_series(4, 9) AS i; INSERT INTO public.ticks VALUES (0, 100, 3, 'third')", ct);
        var second = await CliAsync("sync", project, "--wait");
        Assert.True(second.ExitCode == 0, second.StdOut + second.StdErr);
        await PostgresSnapshotTests.AssertMirroredAsync(fixture, source, schema, "public", "ticks", ct);
        Assert.Equal(["7 7 0"], await CountersAsync(project, "public.ticks", ct));
    }

    /// <summary>The last run's records read, inserted and updated for <paramref name="stream"/>, as committed with its checkpoints.</summary>
    private Task<List<string>> CountersAsync(string project, string stream, CancellationToken ct) =>
        fixture.Cluster.Database.ListAsync(
            "SELECT task_records_read || ' ' || task_inserted || ' ' || task_updated FROM sync.checkpoints WHERE project_id = @p AND stream = @s",
            static r => r.GetString(0),
            ct,
            ("p", project),
            ("s", stream));

    private Task<Infrastructure.Cli.Result> CliAsync(params string[] args) =>
        Infrastructure.Cli.RunAsync(fixture.Cluster.CliEnvironment(), TestContext.Current.CancellationToken, args);
}
