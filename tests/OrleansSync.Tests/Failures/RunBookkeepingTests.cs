using OrleansSync.Emulator;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Failures;

/// <summary>Every step of a run's bookkeeping is retried until done: a write that fails once does not leave a run stuck.</summary>
public sealed class RunBookkeepingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sync_EachBookkeepingStepFailsOnce_RunStillFinishesWithItsHistory()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions { Dataset = { Seed = 81, Projects = 1, ReviewsPerProject = 20, WorkflowsPerProject = 2 }, RateLimits = RateLimitOptions.Unlimited }, ct);
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct, SyncDriver.FastTasks);
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        // The run's history row (opened, then closed with totals), and the first state write of a child task (its start).
        await FailOnce.ArmAsync(cluster.Database, "run_opened", "sync.runs", "INSERT", 1, "true", ct);
        await FailOnce.ArmAsync(cluster.Database, "run_closed", "sync.runs", "UPDATE", 1, "true", ct);
        await FailOnce.ArmAsync(cluster.Database, "child_start", "orleansstorage", "INSERT", 1, "NEW.graintypestring = 'task' AND NEW.grainidextensionstring LIKE '%review_versions%'", ct);

        var (run, tasks) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct, TimeSpan.FromMinutes(2));

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        Assert.Equal(4, tasks.Count);
        foreach (var failure in new[] { "run_opened", "run_closed", "child_start" })
        {
            Assert.True(await FailOnce.HitsAsync(cluster.Database, failure, ct) >= 2, $"{failure} was refused once and then written");
        }

        var history = Assert.Single(await cluster.Database.ListAsync(
            "SELECT status, records_read, finished_at IS NOT NULL FROM sync.runs WHERE run_id = @r",
            static r => (Status: r.GetString(0), Read: r.GetInt64(1), Finished: r.GetBoolean(2)), ct, ("r", run.RunId)));
        Assert.Equal(("succeeded", tasks.Sum(static t => t.Progress.RecordsRead), true), history);
        var project = await cluster.Client.GetGrain<Projects.IProjectGrain>(projectId).GetAsync(ct);
        Assert.Null(project!.CurrentRun);
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        output.WriteLine(SyncDriver.Describe(tasks));
    }
}
