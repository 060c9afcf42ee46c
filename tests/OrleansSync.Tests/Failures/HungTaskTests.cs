using OrleansSync.Emulator;
using OrleansSync.Tasks;
using OrleansSync.Telemetry;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Failures;

/// <summary>A running task that lands nothing for HungAfter is cancelled, counted, and resumed from its checkpoint.</summary>
public sealed class HungTaskTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sync_UpstreamSlowerThanHungAfter_TaskRestartedFromCheckpointCountedAndFinishesExactly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 87, Projects = 1, ReviewsPerProject = 40, WorkflowsPerProject = 2, VersionsPerReview = 1, ProgressStepsPerReview = 1 },
                RateLimits = RateLimitOptions.Unlimited,
                // Slow enough that the run is far from done when the upstream turns slower than HungAfter.
                Faults = new FaultSettings { LatencyMs = 300 },
            },
            ct);
        var configuration = new Dictionary<string, string?>(SyncDriver.FastTasks)
        {
            ["OrleansSync:Acc:PageSize"] = "10",
            ["OrleansSync:Tasks:HungAfter"] = "00:00:02",
        };
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct, configuration);
        using var hung = new CounterListener(cluster, SyncMetrics.MeterName, "orleanssync.tasks.hung");
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        var started = await SyncDriver.StartAndWaitForReviewPagesAsync(cluster.Client, projectId, 1, ct);

        // Every call now takes longer than HungAfter (but well within the client's own timeouts).
        emulator.SetFaults(emulator.Faults with { LatencyMs = 5000 });
        var restarted = await Eventually.ValueAsync(
            async () => (await SyncDriver.CurrentTasksAsync(cluster.Client, projectId, ct)).FirstOrDefault(static t => t.HungRestarts >= 1),
            TimeSpan.FromSeconds(60),
            "a task to be restarted as hung",
            ct);
        emulator.SetFaults(emulator.Faults with { LatencyMs = 0 });
        var (run, tasks) = await SyncDriver.WaitForRunAsync(cluster.Client, projectId, started.Run.RunId, ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        Assert.Contains(restarted.Errors, static e => e.Message.StartsWith("Hung:", StringComparison.Ordinal));
        Assert.True(hung.Total >= 1);
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        output.WriteLine($"hung restarts counted {hung.Total}; {SyncDriver.Describe(tasks)}");
    }
}
