using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Tasks;

namespace OrleansSync.Tests.Sync;

/// <summary>
/// A two-silo cluster on PostgreSQL syncing the emulator: the mirror must equal the upstream, exactly. The tests share
/// the cluster; each syncs its own emulator's project.
/// </summary>
public sealed class SyncEndToEndTests(FastTasksClusterFixture fixture, ITestOutputHelper output) : IClassFixture<FastTasksClusterFixture>
{
    private static EmulatorOptions Dataset(int seed, double malformedRate = 0) => new()
    {
        Dataset = { Seed = seed, Projects = 1, ReviewsPerProject = 120, WorkflowsPerProject = 7, VersionsPerReview = 3, ProgressStepsPerReview = 3, ArchivedShare = 0.2, InactiveWorkflowShare = 0.3 },
        RateLimits = RateLimitOptions.Unlimited,
        Faults = new FaultSettings { MalformedRate = malformedRate },
    };

    [Fact]
    public async Task Sync_FirstRun_MirrorsEveryStreamExactly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(Dataset(11), ct);
        var cluster = fixture.Cluster;
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);

        var (run, tasks) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        Assert.Equal(4, tasks.Count);
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        Assert.True(differences.ExpectedReviews > 100, "the dataset spans several pages of active and archived reviews");
        var reviews = tasks.Single(static t => t.Spec.Stream == "reviews").Progress;
        Assert.Equal(differences.ExpectedReviews, reviews.Inserted);
        output.WriteLine(SyncDriver.Describe(tasks));
    }

    [Fact]
    public async Task Run_FinishedBeforeLaterRuns_IsStillFoundByItsId()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions { Dataset = { Seed = 14, Projects = 1, ReviewsPerProject = 5, WorkflowsPerProject = 1 }, RateLimits = RateLimitOptions.Unlimited },
            ct);
        var cluster = fixture.Cluster;
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        var (first, _) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct);

        // Two runs after it (a scheduled tick between a client's polls would do the same): a client waiting for the
        // first one, as `sync --wait` does, must still find how it ended.
        await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct);
        var (last, _) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: true, ct);

        var project = cluster.Client.GetGrain<IProjectGrain>(projectId);
        var found = await project.GetRunAsync(first.RunId, ct);
        Assert.NotNull(found);
        Assert.Equal((first.RunId, SyncTaskStatus.Succeeded, first.FinishedAt), (found.RunId, found.Status, found.FinishedAt));
        Assert.Equal(last.RunId, (await project.GetRunAsync(last.RunId, ct))?.RunId);
        Assert.Null(await project.GetRunAsync("20260101T000000000Z-000000", ct));
    }

    [Fact]
    public async Task Sync_AfterMutations_MirrorsExactlyWithOnlyTheCallsItNeeds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(Dataset(12), ct);
        var cluster = fixture.Cluster;
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct);

        var mutation = emulator.Mutate(12);
        emulator.ResetStats();
        var (run, tasks) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        var changedReviews = mutation.Changes.Where(static c => c.Kind != "workflowToggled").Select(static c => c.Id).Distinct().Count();
        var stats = emulator.GetStats();
        const string reviewsApi = "GET /construction/reviews/v1/projects/{projectId}";
        Assert.Equal(changedReviews, stats.Count($"{reviewsApi}/reviews/{{reviewId}}/versions"));
        Assert.Equal(changedReviews, stats.Count($"{reviewsApi}/reviews/{{reviewId}}/progress"));
        Assert.Equal(0, stats.Count($"{reviewsApi}/reviews/{{reviewId}}"));
        Assert.Equal(0, stats.Count($"{reviewsApi}/reviews/{{reviewId}}/workflow"));
        // The changed reviews fit on one page of each list (active, archived); workflows are read in full, two lists.
        Assert.Equal(2, stats.Count($"{reviewsApi}/reviews"));
        Assert.Equal(2, stats.Count($"{reviewsApi}/workflows"));
        output.WriteLine($"changed reviews {changedReviews}; calls {stats.Total}; {SyncDriver.Describe(tasks)}");
    }

    [Fact]
    public async Task Sync_MalformedRecords_DeadLetteredAndRestOfPageLands()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(Dataset(13, malformedRate: 0.05), ct);
        var cluster = fixture.Cluster;
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);

        var (run, tasks) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        Assert.True(differences.ExpectedDeadLetters > 0, "the seed yields malformed reviews");
        Assert.Equal(differences.ExpectedDeadLetters, await MirrorComparison.DeadLettersAsync(cluster.Database, projectId, ct));
        Assert.Equal(differences.ExpectedDeadLetters, tasks.Single(static t => t.Spec.Stream == "reviews").Progress.DeadLettered);
    }
}
