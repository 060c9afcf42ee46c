using System.Text.Json;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sources.Postgres.Cdc;

/// <summary>
/// <c>sync --wait</c> on a capture, whose run never ends: it returns once the mirror holds everything the source
/// committed before the command, and the stream goes on.
/// </summary>
[Collection(PostgresCdcCollection.Name)]
public sealed class PostgresCdcWaitTests(PostgresCdcFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SyncWait_RowsCommittedJustBefore_AllInTheMirrorWhenItReturnsAndTheStreamGoesOn()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = await SourceDatabase.CreateOnAsync(fixture.Server, ct);
        await source.ExecuteAsync("CREATE TABLE public.busy (id integer PRIMARY KEY, note text); CREATE TABLE public.quiet (id integer PRIMARY KEY); INSERT INTO public.quiet VALUES (1);", ct);
        var (project, schema) = await PostgresCdcTests.AddAsync(fixture, source, "public.busy,public.quiet", ct);
        try
        {
            var busyTask = (await PostgresCdcTests.StartStreamingAsync(fixture, project, ["public.busy", "public.quiet"], ct))["public.busy"];

            // The busy table's task paused, rows committed in several transactions: none of them is in its mirror when the
            // command starts. The quiet table's task has nothing to apply, and must still show it is past them.
            Assert.Equal(0, (await CliAsync("task", "pause", busyTask)).ExitCode);
            await Eventually.UntilAsync(async () => string.Equals(await StatusAsync(busyTask), "paused", StringComparison.OrdinalIgnoreCase), Patience, "the busy table's task paused", ct);
            for (var t = 0; t < 3; t++)
            {
                await source.ExecuteAsync($"INSERT INTO public.busy SELECT i, 'row ' || i FROM generate_series({(t * 2000) + 1}, {(t + 1) * 2000}) AS i; UPDATE public.busy SET note = 'updated' WHERE id % 7 = 0;", ct);
            }

            var waiting = CliAsync("sync", project, "--wait", "--json");
            Assert.Equal(0, (await CliAsync("task", "resume", busyTask)).ExitCode);
            var waited = await waiting;

            Assert.True(waited.ExitCode == 0, waited.StdOut + waited.StdErr);
            Assert.True(await CdcProbe.MirroredAsync(fixture.Cluster.Database, source, schema, "busy", ct), "rows committed before sync --wait were missing from the mirror when it returned");
            using var document = JsonDocument.Parse(waited.StdOut);
            var caughtUp = document.RootElement.GetProperty("caughtUp");
            Assert.True(caughtUp.GetProperty("lagBytes").TryGetUInt64(out _) && caughtUp.GetProperty("lagSeconds").GetDouble() >= 0, waited.StdOut);
            Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("run").GetProperty("finishedAt").ValueKind);

            // The stream did not end: the run is still the project's current one, and a later row lands.
            Assert.True(await RunInProgressAsync(project, ct), "the run ended with sync --wait");
            await source.ExecuteAsync("INSERT INTO public.busy VALUES (900000, 'after the wait'); INSERT INTO public.quiet VALUES (2);", ct);
            await Eventually.UntilAsync(
                async () => await CdcProbe.MirroredAsync(fixture.Cluster.Database, source, schema, "busy", ct) && await CdcProbe.MirroredAsync(fixture.Cluster.Database, source, schema, "quiet", ct),
                Patience,
                "rows written after the wait mirrored",
                ct);
        }
        finally
        {
            await PostgresCdcTests.EndAsync(fixture, project);
        }
    }

    private async Task<string?> StatusAsync(string taskId)
    {
        using var shown = JsonDocument.Parse((await CliAsync("task", "show", taskId, "--json")).StdOut);
        return shown.RootElement.GetProperty("status").GetString();
    }

    private async Task<bool> RunInProgressAsync(string project, CancellationToken ct)
    {
        var shown = await CliAsync("project", "show", project, "--json");
        Assert.True(shown.ExitCode == 0, shown.StdOut + shown.StdErr);
        using var view = JsonDocument.Parse(shown.StdOut);
        return view.RootElement.TryGetProperty("currentRun", out var run) && run.ValueKind == JsonValueKind.Object;
    }

    private Task<Infrastructure.Cli.Result> CliAsync(params string[] args) =>
        Infrastructure.Cli.RunAsync(fixture.Cluster.CliEnvironment(), TestContext.Current.CancellationToken, args);
}
