using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sources.Postgres.Cdc;

/// <summary>
/// Upserts of a batch land as few statements as their keys allow: a row changed several times within one batch still
/// ends as its last change left it, between inserts of other rows and a delete.
/// </summary>
[Collection(PostgresCdcCollection.Name)]
public sealed class PostgresCdcBatchTests(PostgresCdcFixture fixture)
{
    [Fact]
    public async Task Cdc_RowsInsertedThenUpdatedTwiceInOneTransaction_MirrorHoldsTheirLastValues()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = await SourceDatabase.CreateOnAsync(fixture.Server, ct);
        await source.ExecuteAsync("CREATE TABLE public.churn (id integer PRIMARY KEY, n integer, note text)", ct);
        var (project, schema) = await PostgresCdcTests.AddAsync(fixture, source, "public.churn", ct);
        try
        {
            await PostgresCdcTests.StartStreamingAsync(fixture, project, ["public.churn"], ct);

            await source.ExecuteAsync(
                """
                BEGIN;
                INSERT INTO public.churn SELECT i, 0, 'new ' || i FROM generate_series(1, 100) AS i;
                UPDATE public.churn SET n = n + 1 WHERE id <= 60;
                INSERT INTO public.churn SELECT i, 0, NULL FROM generate_series(101, 150) AS i;
                UPDATE public.churn SET n = n + 10, note = 'twice' WHERE id % 3 = 0;
                DELETE FROM public.churn WHERE id % 7 = 0;
                INSERT INTO public.churn VALUES (7, 70, 'back');
                COMMIT;
                """,
                ct);

            await Eventually.UntilAsync(
                () => CdcProbe.MirroredAsync(fixture.Cluster.Database, source, schema, "churn", ct),
                TimeSpan.FromSeconds(60),
                "the mirror exact after rows changed several times in one transaction",
                ct);
        }
        finally
        {
            await PostgresCdcTests.EndAsync(fixture, project);
        }
    }
}
