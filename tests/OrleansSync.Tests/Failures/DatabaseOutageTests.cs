using System.Diagnostics;
using OrleansSync.Emulator;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Failures;

/// <summary>
/// PostgreSQL restarted mid-sync: tasks wait for it without spending upstream attempts, then finish exactly. The
/// cluster's server is the test's own, so the outage is this test's alone.
/// </summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sync_PostgresStoppedForTenSecondsMidSync_SyncCompletesExactlyWithTerminalRows()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 86, Projects = 1, ReviewsPerProject = 120, WorkflowsPerProject = 3, VersionsPerReview = 1, ProgressStepsPerReview = 1 },
                RateLimits = RateLimitOptions.Unlimited,
                Faults = new FaultSettings { LatencyMs = 40 },
            },
            ct);
        var configuration = new Dictionary<string, string?>(SyncDriver.FastTasks) { ["OrleansSync:Acc:PageSize"] = "10" };
        await using var server = await OwnPostgresServer.CreateAsync(ct);
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct, configuration, await TestDatabase.CreateOnAsync(server, ct));
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        var started = await SyncDriver.StartAndWaitForReviewPagesAsync(cluster.Client, projectId, 2, ct);

        var clock = Stopwatch.StartNew();
        await server.StopAsync(ct);
        try
        {
            // The outage is the scenario: ten seconds, whatever the tasks do.
            await Task.Delay(TimeSpan.FromSeconds(10), ct);
        }
        finally
        {
            await server.StartAsync(CancellationToken.None);
        }

        var down = clock.Elapsed;
        // The test's own pooled connections died with the server; the silos' recover by themselves (that is the test).
        cluster.Database.DataSource.Clear();
        var (run, tasks) = await SyncDriver.WaitForRunAsync(cluster.Client, projectId, started.Run.RunId, ct, TimeSpan.FromMinutes(3));

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        var rows = await Eventually.ValueAsync(
            async () => await cluster.Database.ListAsync(
                "SELECT stream || '=' || status FROM sync.progress WHERE run_id = @r ORDER BY stream", static r => r.GetString(0), ct, ("r", run.RunId)) is { Count: 4 } all
                && all.All(static s => s.EndsWith("=succeeded", StringComparison.Ordinal)) ? all : null,
            TimeSpan.FromSeconds(30),
            "every task's terminal progress row",
            ct);
        // The final rows are right: what each task counted, committed with its checkpoints.
        var counted = await cluster.Database.ListAsync(
            "SELECT task_id, pages, records_read FROM sync.progress WHERE run_id = @r", static r => (TaskId: r.GetString(0), Pages: r.GetInt64(1), Read: r.GetInt64(2)), ct, ("r", run.RunId));
        Assert.All(counted, row => Assert.Equal(
            tasks.Where(t => t.Spec.TaskId == row.TaskId).Select(static t => (t.Spec.TaskId, t.Progress.Pages, t.Progress.RecordsRead)).Single(), row));
        Assert.Equal(differences.ExpectedReviews, tasks.Single(static t => t.Spec.Stream == "reviews").Progress.RecordsRead);
        var history = await cluster.Database.ScalarAsync<string>("SELECT status FROM sync.runs WHERE run_id = @r", ct, ("r", run.RunId));
        Assert.Equal("succeeded", history);
        // The outage spent no upstream attempt: no task failed a run for it.
        Assert.All(tasks, static t => Assert.Equal(1, t.Attempts));
        output.WriteLine($"PostgreSQL down {down.TotalSeconds:0.0} s; total {clock.Elapsed.TotalSeconds:0.0} s; {string.Join(", ", rows)}; {SyncDriver.Describe(tasks)}");
    }
}
