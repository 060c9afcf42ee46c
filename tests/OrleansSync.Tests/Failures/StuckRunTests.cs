using System.Text.Json;
using OrleansSync.Projects;
using OrleansSync.Sources.Acc;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Security;

namespace OrleansSync.Tests.Failures;

/// <summary>
/// A run whose bookkeeping cannot finish does not wedge its project: a write PostgreSQL refuses for good ends the run
/// failed, naming the error, and <c>orleanssync run cancel</c> aborts a run stuck on anything else. (The fixture's
/// one silo with the CLI's environment serves these as well as the silo-only tests.)
/// </summary>
public sealed class StuckRunTests(SiloOnlyCallFixture fixture) : IClassFixture<SiloOnlyCallFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sync_HistoryRefusedForGood_RunEndsFailedNamingTheConstraint()
    {
        var ct = TestContext.Current.CancellationToken;
        var project = await ConfiguredAsync(ct);
        // A constraint the run's history row breaks, whatever it is retried with.
        await fixture.Cluster.Database.ScalarAsync<int>(
            $"ALTER TABLE sync.runs ADD CONSTRAINT refuse_{project.GetPrimaryKeyString()} CHECK (project_id <> '{project.GetPrimaryKeyString()}'); SELECT 1;", ct);

        var started = await project.SyncAsync(new SyncRequest(null, false, "cli"), ct);

        var ended = await Eventually.ValueAsync(
            async () => await project.GetAsync(ct) is { CurrentRun: null, LastRun: { } last } && last.RunId == started.Run.RunId ? last : null,
            Deadline, "the run to end after its history was refused for good", ct);
        Assert.Equal(SyncTaskStatus.Failed, ended.Status);
        Assert.Contains($"refuse_{project.GetPrimaryKeyString()}", ended.Error, StringComparison.Ordinal);
        Assert.Contains("23514", ended.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCancel_RunStuckOnItsHistory_AbortsItAndTheNextSyncStartsAfresh()
    {
        var ct = TestContext.Current.CancellationToken;
        var project = await ConfiguredAsync(ct);
        var id = project.GetPrimaryKeyString();
        // Refused with an error that may pass later (not a data or constraint error), so the run retries and stays stuck.
        await fixture.Cluster.Database.ScalarAsync<int>($"""
            CREATE FUNCTION sync.hold_{id}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'held by the test'; END $$;
            CREATE TRIGGER hold_{id} BEFORE INSERT ON sync.runs FOR EACH ROW WHEN (NEW.project_id = '{id}') EXECUTE FUNCTION sync.hold_{id}();
            SELECT 1;
            """, ct);
        var stuck = await project.SyncAsync(new SyncRequest(null, false, "cli"), ct);
        Assert.True((await project.SyncAsync(new SyncRequest(null, false, "cli"), ct)).AlreadyRunning);

        var cancel = await Infrastructure.Cli.RunAsync(fixture.CliEnvironment, ct, "run", "cancel", id, "--json");
        var again = await Infrastructure.Cli.RunAsync(fixture.CliEnvironment, ct, "run", "cancel", id);

        Assert.True(cancel.ExitCode == 0, cancel.StdErr);
        Assert.Equal(stuck.Run.RunId, JsonDocument.Parse(cancel.StdOut).RootElement.GetProperty("runId").GetString());
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("no run in progress", again.StdErr, StringComparison.Ordinal);
        var view = await project.GetAsync(ct);
        Assert.Null(view!.CurrentRun);
        Assert.Equal((stuck.Run.RunId, SyncTaskStatus.Cancelled), (view.LastRun!.RunId, view.LastRun.Status));
        var next = await project.SyncAsync(new SyncRequest(null, false, "cli"), ct);
        Assert.False(next.AlreadyRunning);
        await project.CancelRunAsync(ct);
    }

    private async Task<IProjectGrain> ConfiguredAsync(CancellationToken ct)
    {
        var id = $"stuck{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(SiloOnlyCallTestsSecret.Variable, "not-a-real-secret");
        var project = fixture.Stranger.GetGrain<IProjectGrain>(id);
        await project.ConfigureAsync(new ProjectSpec(id, "acc", "http://127.0.0.1:1/", "client", SiloOnlyCallTestsSecret.Variable, null, [StreamNames.Workflows], null), ct);
        return project;
    }
}
