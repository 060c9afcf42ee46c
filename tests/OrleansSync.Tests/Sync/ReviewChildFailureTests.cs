using OrleansSync.Emulator;
using OrleansSync.Tasks;

namespace OrleansSync.Tests.Sync;

/// <summary>
/// A review whose children cannot be read costs that review only: its stored children stay, one dead letter names it,
/// and the walk goes on. Failures across many reviews fail the task. Each case syncs its own project.
/// </summary>
public sealed class ReviewChildFailureTests(HostileUpstreamFixture fixture) : IClassFixture<HostileUpstreamFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Sync_ChildrenAnswer404AfterTheyLanded_StoredChildrenKeptAndReviewDeadLettered()
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[0];
        var (reviewId, _, _) = await fixture.FirstReviewAsync(projectId, ct);
        await SyncAsync(projectId, null, full: true, ct);

        var (run, tasks) = await SyncAsync(projectId, new HostileRule(HostileTarget.Versions, HostileKind.NotFound404, reviewId), full: true, ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, fixture.Emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        var letter = Assert.Single(await OpenDeadLettersAsync(projectId, ct));
        Assert.Equal(("review_versions", reviewId), (letter.Stream, letter.Key));
        Assert.Contains("404", letter.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_OneChildMalformedAfterItLanded_StoredChildKeptUntilAWholeListComes()
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[1];
        var (reviewId, _, _) = await fixture.FirstReviewAsync(projectId, ct);
        await SyncAsync(projectId, null, full: true, ct);

        var (run, tasks) = await SyncAsync(projectId, new HostileRule(HostileTarget.Versions, HostileKind.WrongType, reviewId, Times: 1), full: true, ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, fixture.Emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        var letter = Assert.Single(await OpenDeadLettersAsync(projectId, ct));
        Assert.StartsWith(reviewId + "/", letter.Key, StringComparison.Ordinal);

        // An incremental run reads the review's list again (it was not marked synced), and the whole list resolves it.
        var (again, againTasks) = await SyncAsync(projectId, null, full: false, ct);
        Assert.True(again.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(againTasks));
        Assert.Empty(await OpenDeadLettersAsync(projectId, ct));
    }

    [Theory]
    [InlineData(2, HostileKind.ServerError500, "500")]
    [InlineData(3, HostileKind.BadRequest400, "400")]
    [InlineData(4, HostileKind.Forbidden403, "403")]
    public async Task Sync_OneReviewsVersionsKeepFailing_ThatReviewDeadLetteredWithEndpointAndStatusAndTheRestLands(int project, HostileKind kind, string status)
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[project];
        var (reviewId, versions, _) = await fixture.FirstReviewAsync(projectId, ct);

        var (run, tasks) = await SyncAsync(projectId, new HostileRule(HostileTarget.Versions, kind, reviewId), full: false, ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        Assert.Equal(1, tasks.Single(static t => t.Spec.Stream == "review_versions").Progress.DeadLettered);
        var letter = Assert.Single(await OpenDeadLettersAsync(projectId, ct));
        Assert.Equal(reviewId, letter.Key);
        Assert.Contains($"/reviews/{reviewId}/versions", letter.Reason, StringComparison.Ordinal);
        Assert.Contains($"answered {status}", letter.Reason, StringComparison.Ordinal);
        var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, fixture.Emulator, projectId, ct);
        Assert.Equal((0, 0, versions, 0), (differences.Reviews, differences.Workflows, differences.Versions, differences.Progress));
    }

    [Fact]
    public async Task Sync_EveryReviewsVersionsRefused_TaskFailsNamingThePileUpAfterTheMinimumOfFailures()
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[5];

        var (run, tasks) = await SyncAsync(projectId, new HostileRule(HostileTarget.Versions, HostileKind.Forbidden403), full: false, ct);

        Assert.Equal(SyncTaskStatus.Failed, run.Status);
        var versions = tasks.Single(static t => t.Spec.Stream == "review_versions");
        Assert.Equal(SyncTaskStatus.Failed, versions.Status);
        Assert.Contains(versions.Errors, static e => e.Message.Contains("3 of the last 3 reviews", StringComparison.Ordinal) && e.Message.Contains("403", StringComparison.Ordinal));
        Assert.Equal(SyncTaskStatus.Succeeded, tasks.Single(static t => t.Spec.Stream == "review_progress").Status);
        // The default minimum is 3: the first two were dead-lettered as one review's trouble, the third failed the task.
        Assert.Equal(2, (await OpenDeadLettersAsync(projectId, ct)).Count);
    }

    private async Task<(Projects.RunView Run, List<TaskView> Tasks)> SyncAsync(string projectId, HostileRule? rule, bool full, CancellationToken ct)
    {
        await SyncDriver.AddProjectAsync(fixture.Cluster.Client, fixture.Emulator, projectId, ct);
        if (rule is not null)
        {
            fixture.Emulator.AddHostile(rule);
        }

        try
        {
            return await SyncDriver.SyncToEndAsync(fixture.Cluster.Client, projectId, full, ct, Bound);
        }
        finally
        {
            fixture.Emulator.ClearHostile();
        }
    }

    private Task<List<(string Stream, string? Key, string Reason)>> OpenDeadLettersAsync(string projectId, CancellationToken ct) =>
        fixture.Cluster.Database.ListAsync(
            "SELECT stream, record_key, reason FROM sync.dead_letters WHERE project_id = @p AND resolved_at IS NULL ORDER BY id",
            static r => (r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2)),
            ct,
            ("p", projectId));
}
