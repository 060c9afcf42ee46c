using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>Tasks retry failed runs from their checkpoint, and give up on an upstream that refuses everything.</summary>
public sealed class SyncFailureTests
{
    [Fact]
    public async Task Sync_FlakyUpstreamWithoutClientRetries_ListTasksRetryFromCheckpointChildrenDeadLetteredThenLandNextRun()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 51, Projects = 1, ReviewsPerProject = 60, WorkflowsPerProject = 4 },
                RateLimits = RateLimitOptions.Unlimited,
                Faults = new FaultSettings { ServerErrorRate = 0.15 },
            },
            ct);
        // No retries in the HTTP client: a 5xx on a list page fails the task's run, which must resume from its
        // checkpoint; pages of 2 make some 35 list pages, so at 15 % some fail (all pass once in 300 runs).
        var configuration = new Dictionary<string, string?>(SyncDriver.FastTasks)
        {
            ["OrleansSync:Acc:MaxRetries"] = "0",
            ["OrleansSync:Acc:PageSize"] = "2",
        };
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct, configuration);
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);

        var (run, tasks) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var retried = tasks.Where(static t => t.Attempts > 1).ToList();
        Assert.Contains(retried, static t => t.Spec.Stream is "reviews" or "workflows");
        // A list page's 5xx fails its task's attempt. A children task follows the reviews as they land, so its calls
        // meet the (seeded) faults in an order of their own: 3 failures among its last few reviews take upstream as
        // broken (ChildFetchFailures), and it retries from its checkpoint too.
        Assert.All(retried, static t => Assert.Contains(t.Errors, e => e.Message.Contains(
            t.Spec.LeaderTaskId is null ? "AccApiException" : "ChildFetchesFailingException", StringComparison.Ordinal)));
        // A child list that failed for one review (15 % of them, scattered) costs that review only: a dead letter,
        // not a failed task. The next run, on a healthy upstream, reads those reviews' children again.
        emulator.SetFaults(emulator.Faults with { ServerErrorRate = 0 });
        var (next, nextTasks) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct);

        Assert.True(next.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(nextTasks));
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        Assert.Equal(0, await cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM sync.dead_letters WHERE project_id = @p AND resolved_at IS NULL", ct, ("p", projectId)));
    }

    [Fact]
    public async Task Sync_WrongClientSecret_TasksFailWithTheReasonAndRunFails()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions { Dataset = { Seed = 52, Projects = 1, ReviewsPerProject = 5 }, RateLimits = RateLimitOptions.Unlimited }, ct);
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct, SyncDriver.FastTasks);
        var projectId = emulator.ProjectIds[0];
        Environment.SetEnvironmentVariable("ORLEANSSYNC_SECRET_TEST_WRONG", "not-the-secret");
        await cluster.Client.GetGrain<IProjectGrain>(projectId).ConfigureAsync(
            new ProjectSpec(projectId, "acc", emulator.BaseUrl.AbsoluteUri, emulator.DefaultClient.ClientId, "ORLEANSSYNC_SECRET_TEST_WRONG", "u", [], null), ct);

        var (run, tasks) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct);

        Assert.Equal(SyncTaskStatus.Failed, run.Status);
        var reviews = tasks.Single(static t => t.Spec.Stream == "reviews");
        Assert.Equal(SyncTaskStatus.Failed, reviews.Status);
        Assert.Contains(emulator.DefaultClient.ClientId, reviews.Errors[^1].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret", string.Join(" ", reviews.Errors.Select(static e => e.Message)), StringComparison.Ordinal);
        // The children tasks start with the reviews task and follow what it lands: nothing landed, so each ended having
        // called nothing (or was cancelled unstarted, had the reviews task failed before the run started it).
        Assert.All(run.Tasks.Where(static t => t.Stream is "review_versions" or "review_progress"), static t => Assert.Contains(t.Status, new[] { SyncTaskStatus.Succeeded, SyncTaskStatus.Cancelled }));
        Assert.All(tasks.Where(static t => t.Spec.Stream is "review_versions" or "review_progress"), static t => Assert.Equal(0, t.Progress.Calls));
        var recorded = await cluster.Database.ScalarAsync<string>("SELECT status FROM sync.runs WHERE run_id = @r", ct, ("r", run.RunId));
        Assert.Equal("failed", recorded);
    }
}
