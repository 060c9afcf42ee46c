using System.Text.Json.Nodes;
using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>One silo reading lists of 10 reviews a page, so a list of 150 reviews is 15 pages one after another.</summary>
public sealed class SmallPagesClusterFixture : ClusterFixture
{
    protected override short Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(SyncDriver.FastTasks)
    {
        ["OrleansSync:Acc:PageSize"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public const int PageSize = 10;
}

/// <summary>
/// The children tasks start with the reviews task and follow the reviews as they land, in incremental and full runs. Every upstream call takes <see cref="Latency"/>, so the reviews list of
/// <see cref="Reviews"/> reviews takes at least its pages times that.
/// </summary>
public sealed class ReviewChildrenFollowTests(SmallPagesClusterFixture fixture, ITestOutputHelper output) : IClassFixture<SmallPagesClusterFixture>
{
    private const int Reviews = 150;
    private const int Latency = 100;

    // The active list's sixth page: each page after the first asks one record early (to see that the list held
    // still), so it starts at 5 × (PageSize − 1), after PageSize + 4 × (PageSize − 1) reviews.
    private const int SixthPageOffset = 5 * (SmallPagesClusterFixture.PageSize - 1);
    private const int ReviewsBeforeSixthPage = SmallPagesClusterFixture.PageSize + (4 * (SmallPagesClusterFixture.PageSize - 1));

    private static readonly string[] Children = ["review_versions", "review_progress"];

    private static EmulatorOptions Upstream(int seed, int latency = Latency) => new()
    {
        Dataset = { Seed = seed, Projects = 1, ReviewsPerProject = Reviews, WorkflowsPerProject = 2, VersionsPerReview = 2, ProgressStepsPerReview = 2, ArchivedShare = 0.2 },
        RateLimits = RateLimitOptions.Unlimited,
        Faults = new FaultSettings { LatencyMs = latency },
    };

    [Fact]
    public async Task Sync_Incremental_ChildrenStartAndLandWhileReviewsListsThenMirrorIsExact()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(Upstream(61), ct);
        var (client, projectId) = await AddAsync(emulator, ct);

        var started = await client.GetGrain<IProjectGrain>(projectId).SyncAsync(new SyncRequest(null, Full: false, "test"), ct);
        // The list is 15 pages of 100 ms or more each: long before it ends, children of the first pages have landed.
        var seen = await Eventually.ValueAsync(
            async () =>
            {
                var tasks = await SyncDriver.CurrentTasksAsync(client, projectId, ct);
                var reviews = tasks.Find(static t => t.Spec.Stream == "reviews");
                var landed = tasks.Where(static t => Children.Contains(t.Spec.Stream) && t.Progress.Pages > 0).ToList();
                return reviews is { IsTerminal: true } || landed.Count == Children.Length ? new { reviews, landed } : null;
            },
            TimeSpan.FromMinutes(1),
            "children pages to land, or the reviews task to end",
            ct);
        Assert.True(seen.reviews is { IsTerminal: false }, $"the reviews task ended before both children tasks landed a page: {SyncDriver.Describe(seen.landed)}");
        var (run, tasks) = await SyncDriver.WaitForRunAsync(client, projectId, started.Run.RunId, ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var listed = tasks.Single(static t => t.Spec.Stream == "reviews");
        foreach (var children in tasks.Where(static t => Children.Contains(t.Spec.Stream)))
        {
            Assert.Equal(listed.Spec.TaskId, children.Spec.LeaderTaskId);
            Assert.True(children.StartedAt < listed.FinishedAt, $"{children.Spec.Stream} started {children.StartedAt:O}, reviews finished {listed.FinishedAt:O}");
            Assert.Equal(100.0, children.Percent);
        }

        var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        output.WriteLine(SyncDriver.Describe(tasks));
    }

    [Fact]
    public async Task Sync_ReviewsLandInAnOrderUnlikeTheirIds_EachReviewsChildrenFetchedOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(Upstream(62), ct);
        var (client, projectId) = await AddAsync(emulator, ct);
        // The list's order (sequenceId) against the ids' order: a review landing after one with a greater id lands
        // below a keyset cursor that already passed it.
        var listOrder = await ListOrderAsync(emulator, projectId, ct);
        var below = listOrder.Zip(listOrder.Skip(1)).Count(static p => string.CompareOrdinal(p.Second, p.First) < 0);
        Assert.True(below > Reviews / 4, $"only {below} of {Reviews} reviews land below the one before");
        emulator.ResetStats();

        var (run, tasks) = await SyncDriver.SyncToEndAsync(client, projectId, full: false, ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        // One page per review, and one list call per review and stream: none skipped, none fetched twice.
        Assert.All(tasks.Where(static t => Children.Contains(t.Spec.Stream)), static t => Assert.Equal(Reviews, t.Progress.Pages));
        var stats = emulator.GetStats();
        Assert.Equal(Reviews, stats.Count("GET /construction/reviews/v1/projects/{projectId}/reviews/{reviewId}/versions"));
        Assert.Equal(Reviews, stats.Count("GET /construction/reviews/v1/projects/{projectId}/reviews/{reviewId}/progress"));
    }

    [Fact]
    public async Task Sync_ReviewsTaskFailsMidList_RunFailsChildrenEndWithTheLandedReviewsChildren()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(Upstream(63), ct);
        var (client, projectId) = await AddAsync(emulator, ct);
        // The active list's sixth page is refused (403: retrying cannot help): the reviews task fails after 46 reviews.
        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.Forbidden403, Query: $"offset={SixthPageOffset}"));

        var (run, tasks) = await SyncDriver.SyncToEndAsync(client, projectId, full: false, ct);

        Assert.Equal(SyncTaskStatus.Failed, run.Status);
        var listed = tasks.Single(static t => t.Spec.Stream == "reviews");
        Assert.Equal(SyncTaskStatus.Failed, listed.Status);
        Assert.Equal(ReviewsBeforeSixthPage, listed.Progress.Inserted);
        var landed = (await fixture.Cluster.Database.ScalarAsync<string[]>(
            "SELECT array_agg(review_id) FROM acc.reviews WHERE project_id = @p", ct, ("p", projectId)))!.ToHashSet(StringComparer.Ordinal);
        Assert.Equal(ReviewsBeforeSixthPage, landed.Count);
        // The children tasks had started with the list: they end once it ended, having visited every review it landed.
        foreach (var children in tasks.Where(static t => Children.Contains(t.Spec.Stream)))
        {
            Assert.Equal(SyncTaskStatus.Succeeded, children.Status);
            Assert.Equal(landed.Count, children.Progress.Pages);
        }

        var differences = await MirrorComparison.CompareAsync(
            fixture.Cluster.Database, emulator, projectId, ct, review => landed.Contains((string)review["id"]!));
        Assert.True(differences.None, MirrorComparison.Describe(differences));
    }

    [Fact]
    public async Task Sync_ReviewsTaskWaitsLongerThanHungAfter_ChildrenWaitingForItAreNotRestartedAsHung()
    {
        var ct = TestContext.Current.CancellationToken;
        // The reviews task waits 5 to 10 s for its next attempt, while the children tasks, done with the reviews landed
        // before it, wait for more: far longer than HungAfter.
        await using var emulator = await AccEmulator.StartAsync(Upstream(65, latency: 0), ct);
        await using var cluster = await OneRefusedListPageAsync(emulator, new() { ["OrleansSync:Tasks:RetryBaseDelay"] = "00:00:10", ["OrleansSync:Tasks:HungAfter"] = "00:00:02" }, ct);
        var projectId = emulator.ProjectIds[0];

        var (run, tasks) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var listed = tasks.Single(static t => t.Spec.Stream == "reviews");
        Assert.Equal(2, listed.Attempts);
        Assert.All(tasks.Where(static t => Children.Contains(t.Spec.Stream)), static t => Assert.Equal((0, 1), (t.HungRestarts, t.Attempts)));
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
    }

    [Fact]
    public async Task Sync_TwoRunSlotsAndTheReviewsTaskRetries_WaitingChildrenGiveBackTheirSlotsAndTheRunSucceeds()
    {
        var ct = TestContext.Current.CancellationToken;
        // The reviews task's attempt fails after 46 reviews and it waits in line for a run slot again, while both
        // children tasks, done with those 46, wait for more. The silo has two slots: children keeping theirs while they
        // wait would leave the reviews task in line for good.
        await using var emulator = await AccEmulator.StartAsync(Upstream(66, latency: 0), ct);
        await using var cluster = await OneRefusedListPageAsync(emulator, new() { ["OrleansSync:Tasks:RetryBaseDelay"] = "00:00:01", ["OrleansSync:Placement:MaxRunningPerSilo"] = "2" }, ct);
        var projectId = emulator.ProjectIds[0];

        var (run, tasks) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct, TimeSpan.FromSeconds(90));

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        Assert.Equal(2, tasks.Single(static t => t.Spec.Stream == "reviews").Attempts);
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
    }

    /// <summary>
    /// One silo of its own with <paramref name="settings"/>, the emulator's first project added, and the active reviews
    /// list's sixth page refused once with no client retries: the reviews task's first attempt fails after 46 reviews.
    /// </summary>
    private static async Task<InProcessCluster> OneRefusedListPageAsync(AccEmulator emulator, Dictionary<string, string?> settings, CancellationToken ct)
    {
        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.Unavailable, Times: 1, Query: $"offset={SixthPageOffset}"));
        var configuration = new Dictionary<string, string?>(SyncDriver.FastTasks)
        {
            ["OrleansSync:Acc:PageSize"] = SmallPagesClusterFixture.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OrleansSync:Acc:MaxRetries"] = "0",
        };
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        var cluster = await InProcessCluster.StartAsync(silos: 1, ct, configuration);
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, emulator.ProjectIds[0], ct);
        return cluster;
    }

    /// <summary>
    /// Full runs over a mirror an incremental run filled: the children follow the list too, and each run's walk visits
    /// every review once, the second full run as much as the first (each run records its own visits).
    /// </summary>
    [Fact]
    public async Task Sync_FullRunsAfterAnIncrementalOne_ChildrenFollowTheListAndFetchEachReviewOncePerRun()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(Upstream(64), ct);
        var (client, projectId) = await AddAsync(emulator, ct);
        var (first, firstTasks) = await SyncDriver.SyncToEndAsync(client, projectId, full: false, ct);
        Assert.True(first.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(firstTasks));

        for (var round = 1; round <= 2; round++)
        {
            emulator.ResetStats();
            var (run, tasks) = await SyncDriver.SyncToEndAsync(client, projectId, full: true, ct);

            Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
            var listed = tasks.Single(static t => t.Spec.Stream == "reviews");
            foreach (var children in tasks.Where(static t => Children.Contains(t.Spec.Stream)))
            {
                Assert.Equal(listed.Spec.TaskId, children.Spec.LeaderTaskId);
                Assert.True(children.StartedAt < listed.FinishedAt, $"full run {round}: {children.Spec.Stream} started {children.StartedAt:O}, reviews finished {listed.FinishedAt:O}");
                Assert.Equal(Reviews, children.Progress.Pages);
            }

            var stats = emulator.GetStats();
            Assert.Equal(Reviews, stats.Count("GET /construction/reviews/v1/projects/{projectId}/reviews/{reviewId}/versions"));
            Assert.Equal(Reviews, stats.Count("GET /construction/reviews/v1/projects/{projectId}/reviews/{reviewId}/progress"));
        }

        var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
    }

    /// <summary>Adds the emulator's one project to the cluster.</summary>
    private async Task<(IClusterClient Client, string ProjectId)> AddAsync(AccEmulator emulator, CancellationToken ct)
    {
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(fixture.Cluster.Client, emulator, projectId, ct);
        return (fixture.Cluster.Client, projectId);
    }

    /// <summary>The project's review ids in the order its lists serve them: active, then archived, each by sequenceId.</summary>
    private static async Task<List<string>> ListOrderAsync(AccEmulator emulator, string projectId, CancellationToken ct)
    {
        var dump = JsonNode.Parse(await emulator.DumpAsync(projectId, ct))!;
        return [.. dump["projects"]!.AsArray().Single()!["reviews"]!.AsArray()
            .Select(static r => r!["record"]!)
            .OrderBy(static r => (bool?)r["archived"] ?? false)
            .ThenBy(static r => (long)r["sequenceId"]!)
            .Select(static r => (string)r["id"]!)];
    }
}
