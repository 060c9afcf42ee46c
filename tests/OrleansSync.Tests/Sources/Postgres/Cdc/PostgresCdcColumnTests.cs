using System.Text.Json;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sources.Postgres.Cdc;

/// <summary>A capture follows a column added on the source; a dropped column, or one added with a default, makes the task wait, naming it.</summary>
[Collection(PostgresCdcCollection.Name)]
public sealed class PostgresCdcColumnTests(PostgresCdcFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Cdc_ColumnAddedMidStream_AddedToTheMirrorWithItsValuesAndADropWaitsNamingIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = await SourceDatabase.CreateOnAsync(fixture.Server, ct);
        await source.ExecuteAsync(
            "CREATE TABLE public.grows (id integer PRIMARY KEY, note text); INSERT INTO public.grows SELECT i, 'n' || i FROM generate_series(1, 10) AS i; CREATE TABLE public.defaulted (id integer PRIMARY KEY);",
            ct);
        var (project, schema) = await PostgresCdcTests.AddAsync(fixture, source, "public.grows,public.defaulted", ct);
        try
        {
            var tasks = await PostgresCdcTests.StartStreamingAsync(fixture, project, ["public.grows", "public.defaulted"], ct);

            // Rows before the column, the column, rows and updates using it, in one stream.
            await source.ExecuteAsync(
                """
                INSERT INTO public.grows VALUES (11, 'before the column');
                ALTER TABLE public.grows ADD COLUMN "Added Qty" numeric(8,2);
                INSERT INTO public.grows VALUES (12, 'with the column', 12.5), (13, NULL, NULL);
                UPDATE public.grows SET "Added Qty" = id * 1.25 WHERE id <= 3;
                BEGIN; INSERT INTO public.grows VALUES (14, 'in a transaction', 1); UPDATE public.grows SET note = 'changed' WHERE id = 4; COMMIT;
                """,
                ct);
            await Eventually.UntilAsync(() => CdcProbe.MirroredAsync(fixture.Cluster.Database, source, schema, "grows", ct), Patience, "the mirror exact with the added column", ct);
            Assert.Equal(
                (await SourceDatabase.ShapeAsync(source.Database, "public", "grows", ct)).Columns,
                (await SourceDatabase.ShapeAsync(fixture.Cluster.Database, schema, "grows", ct)).Columns);

            // A column dropped, and one added with a default the existing rows took without WAL: each task waits, naming it.
            await source.ExecuteAsync(
                """
                ALTER TABLE public.grows DROP COLUMN note; INSERT INTO public.grows VALUES (15, 2);
                INSERT INTO public.defaulted VALUES (1); ALTER TABLE public.defaulted ADD COLUMN flag boolean DEFAULT true; INSERT INTO public.defaulted VALUES (2, false);
                """,
                ct);
            await WaitsNamingAsync(tasks["public.grows"], "Column note of source table public.grows was dropped", ct);
            await WaitsNamingAsync(tasks["public.defaulted"], "Column flag was added to source table public.defaulted with a default", ct);
        }
        finally
        {
            await PostgresCdcTests.EndAsync(fixture, project);
        }
    }

    private Task WaitsNamingAsync(string taskId, string error, CancellationToken ct) =>
        Eventually.UntilAsync(
            async () =>
            {
                using var shown = JsonDocument.Parse((await CliAsync("task", "show", taskId, "--json")).StdOut);
                return shown.RootElement.GetProperty("errors").EnumerateArray().Any(e => e.GetProperty("message").GetString()!.Contains(error, StringComparison.Ordinal));
            },
            Patience,
            $"task {taskId} waiting with an error containing '{error}'",
            ct);

    private Task<Infrastructure.Cli.Result> CliAsync(params string[] args) =>
        Infrastructure.Cli.RunAsync(fixture.Cluster.CliEnvironment(), TestContext.Current.CancellationToken, args);
}
