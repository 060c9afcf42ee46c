using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using OrleansSync.Telemetry;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Failures;

/// <summary>A cancel wins over a pending retry; an activation whose state another one wrote stops instead of going on.</summary>
public sealed class TaskRaceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Cancel_TaskWaitingForRetry_CancelledAndNoRetryFollows()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 82, Projects = 1, ReviewsPerProject = 10 },
                RateLimits = RateLimitOptions.Unlimited,
                Faults = new FaultSettings { OutageStatus = 503 },
            },
            ct);
        // Retries a second apart, so the test sees the task waiting between them.
        var configuration = new Dictionary<string, string?>(SyncDriver.FastBreakers) { ["OrleansSync:Tasks:RetryBaseDelay"] = "00:00:01" };
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct, configuration);
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        var started = await cluster.Client.GetGrain<IProjectGrain>(projectId).SyncAsync(new SyncRequest(null, false, "test"), ct);
        var waiting = await Eventually.ValueAsync(
            async () =>
            {
                // The list tasks; the children tasks follow the reviews task, have no review to visit, and end with it.
                var tasks = (await SyncDriver.CurrentTasksAsync(cluster.Client, projectId, ct)).Where(static t => t.Spec.Stream is "reviews" or "workflows").ToList();
                return tasks.Count == 2 && tasks.All(static t => t.Status == SyncTaskStatus.Waiting && t.NextAttemptAt is not null) ? tasks : null;
            },
            TimeSpan.FromSeconds(30),
            "both tasks to wait for a retry",
            ct);

        var cancelled = new List<TaskView>();
        foreach (var task in waiting)
        {
            cancelled.Add((await cluster.Client.GetGrain<ISyncTaskGrain>(task.Spec.TaskId).CancelAsync(ct))!);
        }

        var callsAtCancel = emulator.GetStats().InjectedOutages;
        Assert.All(cancelled, static t => Assert.Equal((SyncTaskStatus.Cancelled, (DateTimeOffset?)null), (t.Status, t.NextAttemptAt)));
        var (run, _) = await SyncDriver.WaitForRunAsync(cluster.Client, projectId, started.Run.RunId, ct);
        Assert.Equal(SyncTaskStatus.Cancelled, run.Status);

        // The retries were due within seconds: let that time pass (plus the watchdog's period) and see none came.
        var due = waiting.Max(static t => t.NextAttemptAt!.Value);
        await Task.Delay((due - DateTimeOffset.UtcNow).Duration() + TimeSpan.FromSeconds(4), ct);
        Assert.Equal(callsAtCancel, emulator.GetStats().InjectedOutages);
        foreach (var task in waiting)
        {
            Assert.Equal(SyncTaskStatus.Cancelled, (await cluster.Client.GetGrain<ISyncTaskGrain>(task.Spec.TaskId).GetAsync(ct))!.Status);
        }
    }

    [Fact]
    public async Task Sync_TaskStateWrittenByAnotherActivation_StaleActivationStopsAndTaskFinishesExactly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 83, Projects = 1, ReviewsPerProject = 200, VersionsPerReview = 1, ProgressStepsPerReview = 1 },
                RateLimits = RateLimitOptions.Unlimited,
                // Slow enough that the reviews task is mid-stream when its state is written under it.
                Faults = new FaultSettings { LatencyMs = 80 },
            },
            ct);
        var configuration = new Dictionary<string, string?>(SyncDriver.FastTasks) { ["OrleansSync:Acc:PageSize"] = "10" };
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct, configuration);
        using var stale = new CounterListener(cluster, SyncMetrics.MeterName, "orleanssync.tasks.stale_activations");
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        var started = await SyncDriver.StartAndWaitForReviewPagesAsync(cluster.Client, projectId, 2, ct);
        var reviews = (await SyncDriver.CurrentTasksAsync(cluster.Client, projectId, ct)).Single(static t => t.Spec.Stream == "reviews");

        // What a second activation of the task (a split-brain duplicate) would do: write the task's state under it.
        var bumped = await cluster.Database.ScalarAsync<int>(
            "WITH b AS (UPDATE orleansstorage SET version = version + 1 WHERE graintypestring = 'task' AND grainidextensionstring = @id RETURNING 1) SELECT count(*)::int FROM b",
            ct, ("id", reviews.Spec.TaskId));
        Assert.Equal(1, bumped);

        var (run, tasks) = await SyncDriver.WaitForRunAsync(cluster.Client, projectId, started.Run.RunId, ct, TimeSpan.FromMinutes(3));
        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        Assert.True(stale.Total >= 1, "the activation found its state written by another and stopped");
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        output.WriteLine($"stale activations {stale.Total}; {SyncDriver.Describe(tasks)}");
    }
}
