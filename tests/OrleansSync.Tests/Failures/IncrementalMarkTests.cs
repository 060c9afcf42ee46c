using OrleansSync.Emulator;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Failures;

/// <summary>The next incremental run reads from when the last one began listing, so a long run misses nothing.</summary>
public sealed class IncrementalMarkTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sync_ReviewsChangeWhileARunLongerThanTheOverlapReads_NextIncrementalRunFetchesThem()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 85, Projects = 1, ReviewsPerProject = 120, WorkflowsPerProject = 2, VersionsPerReview = 1, ProgressStepsPerReview = 1, ArchivedShare = 0.1 },
                RateLimits = RateLimitOptions.Unlimited,
                Faults = new FaultSettings { LatencyMs = 40 },
            },
            ct);
        // No overlap at all: the run is "longer than the overlap" from its first page on.
        var configuration = new Dictionary<string, string?>(SyncDriver.FastTasks)
        {
            ["OrleansSync:Acc:PageSize"] = "10",
            ["OrleansSync:Streams:ReviewOverlap"] = "00:00:00",
        };
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct, configuration);
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        var first = await SyncDriver.StartAndWaitForReviewPagesAsync(cluster.Client, projectId, 2, ct);

        // Changes spread over pages already read and pages still to come, each later than the one before.
        var mutation = emulator.Mutate(40);
        var (firstRun, firstTasks) = await SyncDriver.WaitForRunAsync(cluster.Client, projectId, first.Run.RunId, ct);
        Assert.True(firstRun.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(firstTasks));
        var (second, secondTasks) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct);

        Assert.True(second.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(secondTasks));
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        output.WriteLine($"{mutation.Applied} changes during the first run; second run: {SyncDriver.Describe(secondTasks)}");
    }
}
