using OrleansSync.Emulator;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Tasks;

/// <summary>
/// A cancel, pause or resume is reported done only once the task's grain state holds it: PostgreSQL refusing the
/// write fails the call (<c>orleanssync task cancel</c> exits 1 saying so, and a silo dying then leaves the task as
/// stored), and a cancel that did return outlives the death of the task's silo.
/// </summary>
public sealed class TaskControlSavedTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Cancel_WriteRefusedThenSiloKilled_NotReportedAndTaskGoesOn_ThenAReturnedCancelOutlivesItsSilo()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await StartEmulatorAsync(seed: 191, reviews: 400, ct);
        await using var cluster = await InProcessCluster.StartAsync(silos: 3, ct, Configuration);
        var (projectId, started, taskId, reviews) = await StartReviewsTaskAsync(cluster, emulator, ct);

        await RefusedTaskWrites.RefuseAsync(cluster.Database, taskId, ct);
        var refused = await Infrastructure.Cli.RunAsync(cluster.CliEnvironment(), ct, "task", "cancel", taskId);

        Assert.True(refused.ExitCode == 1, $"task cancel exited {refused.ExitCode}: {refused.StdOut} {refused.StdErr}");
        Assert.Contains("the cancel could not be saved", refused.StdErr, StringComparison.Ordinal);
        Assert.Contains($"Run 'orleanssync task cancel {taskId}' again", refused.StdErr, StringComparison.Ordinal);
        Assert.NotEqual("cancelled", await RefusedTaskWrites.ProgressStatusAsync(cluster.Database, taskId, ct));
        var first = await KillTaskSiloAsync(cluster, reviews, ct);
        await RefusedTaskWrites.AllowAsync(cluster.Database, taskId, ct);
        // Never told cancelled, the task resumes from its checkpoint on a survivor.
        var resumed = await Eventually.ValueAsync(
            async () => await reviews.GetAsync(ct) is { Status: SyncTaskStatus.Running } view && view.Silo != first ? view : null,
            TimeSpan.FromMinutes(1),
            "the reviews task running again on a survivor",
            ct,
            Eventually.AnyFailure);

        var cancelled = await reviews.CancelAsync(ct);

        Assert.Equal(SyncTaskStatus.Cancelled, cancelled!.Status);
        var second = await KillTaskSiloAsync(cluster, reviews, ct);
        var (run, tasks) = await SyncDriver.WaitForRunAsync(cluster.Client, projectId, started.Run.RunId, ct);
        var reloaded = await Eventually.ValueAsync(() => reviews.GetAsync(ct), TimeSpan.FromSeconds(30), "the task on the last silo", ct, Eventually.AnyFailure);
        output.WriteLine($"killed {first} after the refused cancel, resumed on {resumed.Silo} at page {resumed.Progress.Pages}, cancelled at page {cancelled.Progress.Pages}, killed {second}; {SyncDriver.Describe(tasks)}");
        Assert.Equal(SyncTaskStatus.Cancelled, run.Status);
        Assert.Equal(SyncTaskStatus.Cancelled, reloaded.Status);
        Assert.Equal(cancelled.Progress.Pages, reloaded.Progress.Pages);
        // Past the watchdog's period (3 s) the task has had every chance to resume: it has not landed a page since.
        await Task.Delay(TimeSpan.FromSeconds(4), ct);
        var position = await cluster.Database.ScalarAsync<long>(
            "SELECT position FROM sync.checkpoints WHERE project_id = @p AND stream = 'reviews' AND run_id = @r", ct, ("p", projectId), ("r", started.Run.RunId));
        Assert.Equal(cancelled.Progress.Pages, position);
        Assert.Equal("cancelled", await RefusedTaskWrites.ProgressStatusAsync(cluster.Database, taskId, ct));
    }

    [Fact]
    public async Task PauseAndResume_WriteRefused_NeitherIsReportedAndTheTaskStaysAsStored()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await StartEmulatorAsync(seed: 192, reviews: 300, ct);
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct, Configuration);
        var (projectId, started, taskId, reviews) = await StartReviewsTaskAsync(cluster, emulator, ct);

        await RefusedTaskWrites.RefuseAsync(cluster.Database, taskId, ct);
        var pauseRefused = await Assert.ThrowsAsync<TaskNotSavedException>(() => reviews.PauseAsync(ct));
        Assert.Contains("the pause could not be saved", pauseRefused.Message, StringComparison.Ordinal);
        Assert.NotEqual(SyncTaskStatus.Paused, (await reviews.GetAsync(ct))!.Status);
        await RefusedTaskWrites.AllowAsync(cluster.Database, taskId, ct);
        var paused = await reviews.PauseAsync(ct);
        Assert.Equal(SyncTaskStatus.Paused, paused!.Status);

        await RefusedTaskWrites.RefuseAsync(cluster.Database, taskId, ct);
        var resumeRefused = await Assert.ThrowsAsync<TaskNotSavedException>(() => reviews.ResumeAsync(ct));

        Assert.Contains("the resume could not be saved", resumeRefused.Message, StringComparison.Ordinal);
        var still = (await reviews.GetAsync(ct))!;
        Assert.Equal((SyncTaskStatus.Paused, paused.Progress.Pages), (still.Status, still.Progress.Pages));
        await RefusedTaskWrites.AllowAsync(cluster.Database, taskId, ct);
        var resumed = await reviews.ResumeAsync(ct);
        Assert.NotEqual(SyncTaskStatus.Paused, resumed!.Status);
        var (run, tasks) = await SyncDriver.WaitForRunAsync(cluster.Client, projectId, started.Run.RunId, ct);
        output.WriteLine($"paused at page {paused.Progress.Pages}; {SyncDriver.Describe(tasks)}");
        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
    }

    private static IReadOnlyDictionary<string, string?> Configuration { get; } = new Dictionary<string, string?>(SyncDriver.FastTasks)
    {
        ["OrleansSync:Acc:PageSize"] = "5",
    };

    /// <summary>Arms the refusals (none yet), adds the emulator's project and starts a run; returns it once its reviews task landed 2 pages.</summary>
    private static async Task<(string ProjectId, Projects.SyncStarted Started, string TaskId, ISyncTaskGrain Reviews)> StartReviewsTaskAsync(
        InProcessCluster cluster, AccEmulator emulator, CancellationToken ct)
    {
        await RefusedTaskWrites.InstallAsync(cluster.Database, ct);
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        var started = await SyncDriver.StartAndWaitForReviewPagesAsync(cluster.Client, projectId, 2, ct);
        var taskId = started.Run.Tasks.Single(static t => t.Stream == "reviews").TaskId;
        return (projectId, started, taskId, cluster.Client.GetGrain<ISyncTaskGrain>(taskId));
    }

    /// <summary>Kills the silo the task last ran on (no graceful stop) and returns its name.</summary>
    private static async Task<string> KillTaskSiloAsync(InProcessCluster cluster, ISyncTaskGrain task, CancellationToken ct)
    {
        var name = (await task.GetAsync(ct))!.Silo!;
        await cluster.Cluster.KillSiloAsync(cluster.Cluster.GetActiveSilos().Single(s => s.Name == name), ct);
        return name;
    }

    private static Task<AccEmulator> StartEmulatorAsync(int seed, int reviews, CancellationToken ct) => AccEmulator.StartAsync(
        new EmulatorOptions
        {
            Dataset = { Seed = seed, Projects = 1, ReviewsPerProject = reviews, WorkflowsPerProject = 2, VersionsPerReview = 1, ProgressStepsPerReview = 1 },
            RateLimits = RateLimitOptions.Unlimited,
            // Slow enough that the reviews task is mid-stream through each step.
            Faults = new FaultSettings { LatencyMs = 100 },
        },
        ct);
}
