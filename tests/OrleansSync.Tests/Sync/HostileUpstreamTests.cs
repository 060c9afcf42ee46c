using System.Diagnostics;
using OrleansSync.Emulator;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>
/// One test per hostile answer: the sync ends within a bound, the rest lands, and a dead letter or the task's error
/// names what failed. Each case syncs its own project of the shared emulator.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed class HostileUpstreamTests(HostileUpstreamFixture fixture, ITestOutputHelper output) : IClassFixture<HostileUpstreamFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(0, HostileKind.Html200, HostileTarget.Versions, "text/html")]
    [InlineData(1, HostileKind.Truncated, HostileTarget.Progress, "cut short")]
    [InlineData(2, HostileKind.StallBody, HostileTarget.Versions, "stall")]
    public async Task Sync_ChildEndpointOfOneReviewKeepsAnsweringGarbage_ThatReviewDeadLetteredAndTheRestLands(int project, HostileKind kind, HostileTarget target, string reason)
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[project];
        var (reviewId, versions, steps) = await fixture.FirstReviewAsync(projectId, ct);
        var stream = target == HostileTarget.Versions ? "review_versions" : "review_progress";

        var (run, tasks, elapsed) = await SyncWithAsync(projectId, new HostileRule(target, kind, reviewId), ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        Assert.Equal(1, tasks.Single(t => t.Spec.Stream == stream).Progress.DeadLettered);
        var letter = Assert.Single(await fixture.Cluster.Database.ListAsync(
            "SELECT record_key, reason FROM sync.dead_letters WHERE project_id = @p", static r => (Key: r.GetString(0), Reason: r.GetString(1)), ct, ("p", projectId)));
        Assert.Equal(reviewId, letter.Key);
        Assert.Contains(reviewId, letter.Reason, StringComparison.Ordinal);
        Assert.Contains($"/reviews/{reviewId}/{(target == HostileTarget.Versions ? "versions" : "progress")}", letter.Reason, StringComparison.Ordinal);
        Assert.Contains(reason, letter.Reason, StringComparison.OrdinalIgnoreCase);
        // Everything but that review's children of that stream is mirrored.
        var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, fixture.Emulator, projectId, ct);
        Assert.Equal((0, 0, target == HostileTarget.Versions ? versions : steps), (differences.Reviews, differences.Workflows, target == HostileTarget.Versions ? differences.Versions : differences.Progress));
        Assert.Equal(0, target == HostileTarget.Versions ? differences.Progress : differences.Versions);
        output.WriteLine($"{kind}: dead letter '{letter.Reason}' after {elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task SyncWait_RunDeadLettersAReviewsChildren_ExitsZeroAndNamesTheDeadletterCommand()
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[9];
        var (reviewId, _, _) = await fixture.FirstReviewAsync(projectId, ct);
        await SyncDriver.AddProjectAsync(fixture.Cluster.Client, fixture.Emulator, projectId, ct);
        var environment = fixture.Cluster.CliEnvironment();
        fixture.Emulator.AddHostile(new HostileRule(HostileTarget.Versions, HostileKind.Html200, reviewId));
        Infrastructure.Cli.Result result;
        try
        {
            result = await Infrastructure.Cli.RunAsync(environment, ct, "sync", projectId, "--wait");
        }
        finally
        {
            fixture.Emulator.ClearHostile();
        }

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains($"1 record was dead-lettered (review_versions 1): orleanssync deadletter list --project {projectId}", result.StdErr, StringComparison.Ordinal);
        var listed = await Infrastructure.Cli.RunAsync(environment, ct, "deadletter", "list", "--project", projectId, "--json");
        Assert.True(listed.ExitCode == 0, listed.StdErr);
        Assert.Contains(reviewId, listed.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, HostileKind.NulInRecord, "\\u0000")]
    [InlineData(4, HostileKind.WrongType, "status: expected a string")]
    public async Task Sync_ReviewPageWithAnUnstorableRecord_RecordDeadLetteredAndTheRestLands(int project, HostileKind kind, string reason)
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[project];

        var (run, tasks, _) = await SyncWithAsync(projectId, new HostileRule(HostileTarget.Reviews, kind, Times: 1), ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        Assert.Equal(1, tasks.Single(static t => t.Spec.Stream == "reviews").Progress.DeadLettered);
        var letter = Assert.Single(await fixture.Cluster.Database.ListAsync(
            "SELECT reason FROM sync.dead_letters WHERE project_id = @p AND stream = 'reviews'", static r => r.GetString(0), ct, ("p", projectId)));
        Assert.Contains(reason, letter, StringComparison.Ordinal);
        var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, fixture.Emulator, projectId, ct);
        Assert.Equal(1, differences.Reviews);

        // Served whole the next time, the review lands: the dead letter lost nothing for good.
        var (again, againTasks) = await SyncDriver.SyncToEndAsync(fixture.Cluster.Client, projectId, full: true, ct);
        Assert.True(again.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(againTasks));
        var after = await MirrorComparison.CompareAsync(fixture.Cluster.Database, fixture.Emulator, projectId, ct);
        Assert.True(after.None, MirrorComparison.Describe(after));
    }

    [Fact]
    public async Task Sync_WorkflowPostgresRefuses_DeadLetteredWithItsSqlStateAndTheRestLands()
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[10];

        // Valid JSON that jsonb refuses (22003): the page's transaction fails until the record is set aside.
        var (run, tasks, _) = await SyncWithAsync(projectId, new HostileRule(HostileTarget.Workflows, HostileKind.NumberOutOfRange, Times: 1), ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        Assert.Equal(1, tasks.Single(static t => t.Spec.Stream == "workflows").Progress.DeadLettered);
        var letter = Assert.Single(await fixture.Cluster.Database.ListAsync(
            "SELECT reason, raw FROM sync.dead_letters WHERE project_id = @p", static r => (Reason: r.GetString(0), Raw: r.GetString(1)), ct, ("p", projectId)));
        Assert.Equal("PostgreSQL refused the record (SQLSTATE 22003): value overflows numeric format", letter.Reason);
        Assert.Contains("\"duration\":1e200000", letter.Raw, StringComparison.Ordinal);
        var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, fixture.Emulator, projectId, ct);
        Assert.Equal((0, 1), (differences.Reviews, differences.Workflows));

        // Served whole the next time, the workflow lands and its dead letter is resolved.
        var (again, againTasks) = await SyncDriver.SyncToEndAsync(fixture.Cluster.Client, projectId, full: true, ct);
        Assert.True(again.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(againTasks));
        Assert.True((await MirrorComparison.CompareAsync(fixture.Cluster.Database, fixture.Emulator, projectId, ct)).None);
        Assert.Equal(0, await fixture.Cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM sync.dead_letters WHERE project_id = @p AND resolved_at IS NULL", ct, ("p", projectId)));
    }

    [Theory]
    [InlineData(5, HostileKind.NextUrlCycle, "AccPaginationException")]
    [InlineData(6, HostileKind.TotalResultsLie, "AccPaginationException")]
    [InlineData(7, HostileKind.NextUrlForeign, "127.0.0.2")]
    public async Task Sync_ReviewsListPaginatesInconsistently_TaskFailsNamingItAndWorkflowsLand(int project, HostileKind kind, string error)
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[project];
        fixture.Emulator.ResetStats();

        var (run, tasks, elapsed) = await SyncWithAsync(projectId, new HostileRule(HostileTarget.Reviews, kind), ct);

        Assert.Equal(SyncTaskStatus.Failed, run.Status);
        var reviews = tasks.Single(static t => t.Spec.Stream == "reviews");
        Assert.Equal(SyncTaskStatus.Failed, reviews.Status);
        Assert.Contains(reviews.Errors, e => e.Message.Contains(error, StringComparison.Ordinal));
        Assert.Equal(1, reviews.Attempts);
        Assert.Equal(SyncTaskStatus.Succeeded, tasks.Single(static t => t.Spec.Stream == "workflows").Status);
        var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, fixture.Emulator, projectId, ct);
        Assert.Equal(0, differences.Workflows);
        // Never an endless loop: a handful of list calls (the 12 reviews make 3 pages), not thousands.
        var listCalls = fixture.Emulator.GetStats().Count("GET /construction/reviews/v1/projects/{projectId}/reviews");
        Assert.InRange(listCalls, 1, 6);
        output.WriteLine($"{kind}: failed after {elapsed.TotalSeconds:0.0} s and {listCalls} list call(s): {reviews.Errors[^1].Message}");
    }

    [Fact]
    public async Task Sync_ServerErrorWithNulInItsMessage_ErrorStoredCleanedAndSyncCompletes()
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[8];

        // Two in a row outlast the client's one retry, so the task itself records the message.
        var (run, tasks, _) = await SyncWithAsync(projectId, new HostileRule(HostileTarget.Reviews, HostileKind.NulInError, Times: 2), ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var reviews = tasks.Single(static t => t.Spec.Stream == "reviews");
        Assert.True(reviews.Attempts >= 2, SyncDriver.Describe(tasks));
        var error = Assert.Single(reviews.Errors);
        Assert.DoesNotContain('\0', error.Message);
        Assert.Contains('\uFFFD', error.Message);
        var progress = await fixture.Cluster.Database.ListAsync(
            "SELECT status FROM sync.progress WHERE project_id = @p ORDER BY stream", static r => r.GetString(0), ct, ("p", projectId));
        Assert.Equal(["succeeded", "succeeded", "succeeded", "succeeded"], progress);
        var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, fixture.Emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
    }

    private async Task<(Projects.RunView Run, List<TaskView> Tasks, TimeSpan Elapsed)> SyncWithAsync(string projectId, HostileRule rule, CancellationToken ct)
    {
        await SyncDriver.AddProjectAsync(fixture.Cluster.Client, fixture.Emulator, projectId, ct);
        fixture.Emulator.AddHostile(rule);
        try
        {
            var clock = Stopwatch.StartNew();
            var (run, tasks) = await SyncDriver.SyncToEndAsync(fixture.Cluster.Client, projectId, full: false, ct, Bound);
            return (run, tasks, clock.Elapsed);
        }
        finally
        {
            fixture.Emulator.ClearHostile();
        }
    }
}
