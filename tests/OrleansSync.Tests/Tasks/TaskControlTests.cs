using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Tasks;

/// <summary>
/// task pause, resume and retry on a live cluster: pause stops at a page boundary and keeps the checkpoint, resume
/// continues from it, retry restarts a failed task from it; each refuses a task in the wrong state.
/// </summary>
public sealed class TaskControlTests(ITestOutputHelper output)
{
    private const string ReviewList = "GET /construction/reviews/v1/projects/{projectId}/reviews";

    [Fact]
    public async Task PauseThenResume_StopsAtAPageBoundaryKeepsTheCheckpointAndFetchesNoPageTwice()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await StartEmulatorAsync(seed: 121, ct);
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct, Configuration);
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        var started = await SyncDriver.StartAndWaitForReviewPagesAsync(cluster.Client, projectId, 2, ct);
        var reviews = Grain(cluster, started.Run, "reviews");

        var paused = await reviews.PauseAsync(ct);

        Assert.Equal(SyncTaskStatus.Paused, paused!.Status);
        var position = await cluster.Database.ScalarAsync<long>(
            "SELECT position FROM sync.checkpoints WHERE project_id = @p AND stream = 'reviews' AND run_id = @r", ct, ("p", projectId), ("r", started.Run.RunId));
        Assert.Equal(paused.Progress.Pages, position);
        await Eventually.UntilAsync(
            async () => await cluster.Database.ScalarAsync<string>("SELECT status FROM sync.progress WHERE task_id = @t", ct, ("t", paused.Spec.TaskId)) == "paused",
            TimeSpan.FromSeconds(10),
            "the paused row in sync.progress",
            ct);
        var again = await Assert.ThrowsAsync<InvalidRequestException>(() => reviews.PauseAsync(ct));
        Assert.Contains("is paused: only a pending, queued, running or waiting task can be paused", again.Message, StringComparison.Ordinal);
        var retry = await Assert.ThrowsAsync<InvalidRequestException>(() => reviews.RetryAsync(ct));
        Assert.Contains("is paused: only a failed task can be retried", retry.Message, StringComparison.Ordinal);
        Assert.Equal(SyncTaskStatus.Paused, (await reviews.GetAsync(ct))!.Status);

        var resumed = await reviews.ResumeAsync(ct);
        Assert.NotEqual(SyncTaskStatus.Paused, resumed!.Status);
        var (run, tasks) = await SyncDriver.WaitForRunAsync(cluster.Client, projectId, started.Run.RunId, ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var notPaused = await Assert.ThrowsAsync<InvalidRequestException>(() => reviews.ResumeAsync(ct));
        Assert.Contains("is succeeded: only a paused task can be resumed", notPaused.Message, StringComparison.Ordinal);
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        var done = tasks.Single(static t => t.Spec.Stream == "reviews");
        var listCalls = emulator.GetStats().Count(ReviewList);
        output.WriteLine($"paused at page {paused.Progress.Pages}; reviews task {done.Progress.Pages} pages, {listCalls} list calls; {SyncDriver.Describe(tasks)}");
        // Paused at a page boundary: resuming fetched no page twice.
        Assert.Equal(done.Progress.Pages, listCalls);
        Assert.Equal(differences.ExpectedReviews, done.Progress.RecordsRead);
    }

    [Fact]
    public async Task Retry_FailedTaskRestartsFromItsCheckpoint_AndOnlyAFailedTaskCanBeRetried()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await StartEmulatorAsync(seed: 122, ct);
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct, Configuration);
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        var started = await SyncDriver.StartAndWaitForReviewPagesAsync(cluster.Client, projectId, 2, ct);
        var reviews = Grain(cluster, started.Run, "reviews");

        // 403 is not transient: the tasks fail at once, and the run with them.
        emulator.SetFaults(emulator.Faults with { OutageStatus = 403 });
        var (failedRun, _) = await SyncDriver.WaitForRunAsync(cluster.Client, projectId, started.Run.RunId, ct);
        emulator.SetFaults(emulator.Faults with { OutageStatus = 0 });
        var failed = (await reviews.GetAsync(ct))!;
        Assert.Equal(SyncTaskStatus.Failed, failedRun.Status);
        Assert.Equal(SyncTaskStatus.Failed, failed.Status);
        Assert.True(failed.Progress.Pages >= 2);
        var pause = await Assert.ThrowsAsync<InvalidRequestException>(() => reviews.PauseAsync(ct));
        Assert.Contains("is failed", pause.Message, StringComparison.Ordinal);
        var resume = await Assert.ThrowsAsync<InvalidRequestException>(() => reviews.ResumeAsync(ct));
        Assert.Contains("is failed: only a paused task can be resumed", resume.Message, StringComparison.Ordinal);
        var listCallsBefore = emulator.GetStats().Count(ReviewList, 200);

        var retried = await reviews.RetryAsync(ct);

        Assert.False(retried!.IsTerminal);
        Assert.Equal(failed.Attempts + 1, retried.Attempts);
        var done = await Eventually.ValueAsync(
            async () => await reviews.GetAsync(ct) is { IsTerminal: true } view ? view : null, TimeSpan.FromMinutes(1), "the retried task to end", ct);
        Assert.True(done.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe([done]));
        var again = await Assert.ThrowsAsync<InvalidRequestException>(() => reviews.RetryAsync(ct));
        Assert.Contains("is succeeded: only a failed task can be retried", again.Message, StringComparison.Ordinal);
        var listCallsAfter = emulator.GetStats().Count(ReviewList, 200);
        var mirrored = await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM acc.reviews WHERE project_id = @p", ct, ("p", projectId));
        output.WriteLine($"failed after {failed.Progress.Pages} pages; retried: {done.Progress.Pages} pages in all, {listCallsAfter - listCallsBefore} list pages fetched by the retry; {mirrored} reviews mirrored");
        // From the checkpoint: the retry fetched only the pages the failed run had not landed.
        Assert.Equal(done.Progress.Pages - failed.Progress.Pages, listCallsAfter - listCallsBefore);
        Assert.Equal(done.Progress.RecordsRead, mirrored);
    }

    [Fact]
    public async Task Control_UnknownTask_ReturnsNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct, Configuration);
        var unknown = cluster.Client.GetGrain<ISyncTaskGrain>("no-such-task");

        Assert.Null(await unknown.PauseAsync(ct));
        Assert.Null(await unknown.ResumeAsync(ct));
        Assert.Null(await unknown.RetryAsync(ct));
    }

    private static IReadOnlyDictionary<string, string?> Configuration { get; } = new Dictionary<string, string?>(SyncDriver.FastTasks)
    {
        ["OrleansSync:Acc:PageSize"] = "5",
        ["OrleansSync:Acc:MaxRetries"] = "0",
    };

    private static ISyncTaskGrain Grain(InProcessCluster cluster, RunView run, string stream) =>
        cluster.Client.GetGrain<ISyncTaskGrain>(run.Tasks.Single(t => t.Stream == stream).TaskId);

    private static Task<AccEmulator> StartEmulatorAsync(int seed, CancellationToken ct) => AccEmulator.StartAsync(
        new EmulatorOptions
        {
            Dataset = { Seed = seed, Projects = 1, ReviewsPerProject = 60, WorkflowsPerProject = 2, VersionsPerReview = 1, ProgressStepsPerReview = 1, ArchivedShare = 0.1 },
            RateLimits = RateLimitOptions.Unlimited,
            // Slow enough that a pause or a fault lands mid-stream.
            Faults = new FaultSettings { LatencyMs = 60 },
        },
        ct);
}
