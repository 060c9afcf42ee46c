using System.Globalization;
using OrleansSync.Emulator;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Failures;

/// <summary>
/// The next incremental run reads from when the last one began listing, less the overlap, so a long run misses
/// nothing; and the overlap is what finds a change that upstream stamped before the answer that first shows it.
/// </summary>
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
                // Changes are stamped up to 0.5 s before the answers that show them; the reviews lists alone take 14
                // calls of 200 ms, longer than the 1.5 s overlap (the lag, and the second HTTP dates are cut to).
                Faults = new FaultSettings { LatencyMs = 200, ReplicationLagMs = 500 },
            },
            ct);
        var configuration = new Dictionary<string, string?>(SyncDriver.FastTasks)
        {
            ["OrleansSync:Acc:PageSize"] = "10",
            ["OrleansSync:Streams:ReviewOverlap"] = "00:00:01.500",
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

    [Fact]
    public async Task Sync_ChangeStampedBeforeTheLastRunBeganListingAndNoOverlap_IsMissed()
    {
        var ct = TestContext.Current.CancellationToken;
        // A minute of replication lag: a change made now carries an updatedAt a minute old.
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 86, Projects = 1, ReviewsPerProject = 20, WorkflowsPerProject = 2, VersionsPerReview = 1, ProgressStepsPerReview = 1, ArchivedShare = 0.1 },
                RateLimits = RateLimitOptions.Unlimited,
                Faults = new FaultSettings { ReplicationLagMs = 60_000 },
            },
            ct);
        var configuration = new Dictionary<string, string?>(SyncDriver.FastTasks) { ["OrleansSync:Streams:ReviewOverlap"] = "00:00:00" };
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct, configuration);
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        var began = DateTimeOffset.UtcNow;
        var (first, firstTasks) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct);
        Assert.True(first.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(firstTasks));

        var mutation = emulator.Mutate(5);
        var changed = mutation.Changes.Where(static c => c.Kind != "workflowToggled").Select(static c => c.Id).ToHashSet();
        Assert.NotEmpty(changed);
        Assert.All(mutation.Changes, c => Assert.True(DateTimeOffset.Parse(c.UpdatedAt, CultureInfo.InvariantCulture) < began.AddSeconds(-1), c.UpdatedAt));
        var (second, secondTasks) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct);

        // The run succeeds and reads nothing changed: every changed review is stale in the mirror. The same case with
        // the default overlap mirrors exactly (DriftingUpstreamTests.Sync_ChangeStampedBeforeTheLastRunBeganListing_DefaultOverlapReadsIt).
        Assert.True(second.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(secondTasks));
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.Equal(changed.Count, differences.Reviews);
        output.WriteLine($"{changed.Count} changed reviews missed without an overlap: {MirrorComparison.Describe(differences)}");
    }
}
