using System.Text.Json.Nodes;
using OrleansSync.Emulator;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>Two silos reading reviews 5 to a page: a project's reviews list takes dozens of calls.</summary>
public sealed class SmallPagesClusterFixture : ClusterFixture
{
    protected override short Silos => 2;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(SyncDriver.FastTasks)
    {
        ["OrleansSync:Acc:PageSize"] = "5",
    };
}

/// <summary>
/// A run's children tasks walk the reviews as the reviews task lands them, in the order they land (the list's, not
/// the ids'), and end once the whole list has landed and every review has its children.
/// </summary>
public sealed class ChildrenFollowReviewsTests(SmallPagesClusterFixture fixture, ITestOutputHelper output) : IClassFixture<SmallPagesClusterFixture>
{
    // One snapshot: versions stored for the project while its reviews cursor does not yet say every list was read.
    private const string ChildrenBeforeListEndSql = """
        SELECT EXISTS (SELECT 1 FROM acc.review_versions WHERE project_id = @p)
           AND NOT COALESCE((SELECT (cursor->>'done')::boolean FROM sync.checkpoints WHERE project_id = @p AND stream = 'reviews' AND scope = ''), false)
        """;

    private const string ListEndedSql = """
        SELECT COALESCE((SELECT (cursor->>'done')::boolean FROM sync.checkpoints WHERE project_id = @p AND stream = 'reviews' AND scope = ''), false)
        """;

    // 120 reviews, 5 a page, 50 ms a call: the list alone takes some 25 calls, over a second.
    private static EmulatorOptions SlowList(int seed) => new()
    {
        Dataset = { Seed = seed, Projects = 1, ReviewsPerProject = 120, WorkflowsPerProject = 3, VersionsPerReview = 2, ProgressStepsPerReview = 2, ArchivedShare = 0.2 },
        RateLimits = RateLimitOptions.Unlimited,
        Faults = new FaultSettings { LatencyMs = 50 },
    };

    [Fact]
    public async Task Sync_SlowReviewsList_ChildrenLandReviewsBeforeTheListEnds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(SlowList(61), ct);
        var cluster = fixture.Cluster;
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);

        var (followed, run, tasks) = await SyncWatchingAsync(cluster, projectId, ct);

        Assert.True(followed, "a children task landed a review's versions while the reviews list was still being read");
        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        output.WriteLine(SyncDriver.Describe(tasks));
    }

    [Fact]
    public async Task Sync_ReviewsLandingLateWithLowerIds_GetTheirChildren()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(SlowList(62), ct);
        var cluster = fixture.Cluster;
        var projectId = emulator.ProjectIds[0];
        // The list's order (sequenceId) is not the ids' order: reviews later in the list have lower ids than earlier ones.
        var listed = JsonNode.Parse(await emulator.DumpAsync(projectId, ct))!["projects"]![0]!["reviews"]!.AsArray()
            .Select(static r => (Sequence: (long)r!["record"]!["sequenceId"]!, Id: (string)r["id"]!))
            .OrderBy(static r => r.Sequence)
            .Select(static r => r.Id)
            .ToList();
        var lateLowerIds = listed.Where((id, i) => listed.Take(i).Any(earlier => string.CompareOrdinal(earlier, id) > 0)).ToList();
        Assert.True(lateLowerIds.Count > listed.Count / 4, $"{lateLowerIds.Count} of {listed.Count} reviews come after one with a greater id");
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);

        var (followed, run, tasks) = await SyncWatchingAsync(cluster, projectId, ct);

        Assert.True(followed, "the children walk followed the list");
        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var missing = await cluster.Database.ListAsync(
            """
            SELECT r.review_id FROM acc.reviews r
             WHERE r.project_id = @p
               AND (NOT EXISTS (SELECT 1 FROM acc.review_versions v WHERE v.project_id = r.project_id AND v.review_id = r.review_id)
                 OR NOT EXISTS (SELECT 1 FROM acc.review_progress g WHERE g.project_id = r.project_id AND g.review_id = r.review_id))
            """,
            static r => r.GetString(0),
            ct,
            ("p", projectId));
        Assert.Empty(missing.Intersect(lateLowerIds));
        Assert.Empty(missing);
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        var children = tasks.Where(static t => t.Spec.Stream is "review_versions" or "review_progress").ToList();
        Assert.All(children, c => Assert.Equal(listed.Count, c.Progress.Pages));
    }

    /// <summary>Runs an incremental sync to its end, watching whether versions were stored before the reviews list was read to its end.</summary>
    private static async Task<(bool Followed, Projects.RunView Run, List<TaskView> Tasks)> SyncWatchingAsync(InProcessCluster cluster, string projectId, CancellationToken ct)
    {
        var started = await cluster.Client.GetGrain<Projects.IProjectGrain>(projectId).SyncAsync(new Projects.SyncRequest(null, Full: false, "test"), ct);
        var followed = await SawChildrenBeforeListEndAsync(cluster.Database, projectId, ct);
        var (run, tasks) = await SyncDriver.WaitForRunAsync(cluster.Client, projectId, started.Run.RunId, ct);
        return (followed, run, tasks);
    }

    /// <summary>Polls until the reviews list has been read to its end; true when versions were seen stored before that.</summary>
    private static async Task<bool> SawChildrenBeforeListEndAsync(TestDatabase database, string projectId, CancellationToken ct)
    {
        var seen = false;
        await Eventually.UntilAsync(
            async () =>
            {
                seen |= await database.ScalarAsync<bool>(ChildrenBeforeListEndSql, ct, ("p", projectId));
                return seen || await database.ScalarAsync<bool>(ListEndedSql, ct, ("p", projectId));
            },
            TimeSpan.FromMinutes(2),
            $"project {projectId}'s reviews list to be read to its end",
            ct);
        return seen;
    }
}
