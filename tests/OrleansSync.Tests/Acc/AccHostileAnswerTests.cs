using System.Net;
using OrleansSync.Emulator;
using OrleansSync.Sources.Acc.Client;

namespace OrleansSync.Tests.Acc;

/// <summary>
/// The client against the emulator's hostile answers: what a proxy or a flaky upstream sends is retried as
/// transient, a repeated record is read once, a nextUrl that leaves the list stops the read, one endpoint down
/// fails only its own calls.
/// </summary>
public sealed class AccHostileAnswerTests
{
    private const string ReviewsList = "GET /construction/reviews/v1/projects/{projectId}/reviews";

    [Theory]
    [InlineData(HostileKind.BadGatewayHtml, HostileKind.GatewayTimeoutHtml)]
    [InlineData(HostileKind.ResetBeforeHeaders, HostileKind.ResetBeforeHeaders)]
    [InlineData(HostileKind.ResultsNull, HostileKind.ResultsNull)]
    public async Task ReadAllAsync_TwoTransientBadAnswers_AskedAgainAndEveryRecordReadOnce(HostileKind first, HostileKind second)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(Options(41), ct);
        await using var host = AccTestHost.Start(emulator, new Dictionary<string, string> { ["PageSize"] = "10" });
        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, first, Times: 1));
        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, second, Times: 1));

        var pages = await AccReads.PagesAsync(host, ActiveReviews(host, emulator), ct);

        await AssertActiveReviewsAsync(emulator, pages, ct);
        // Each bad answer cost one more call of the same page.
        Assert.Equal(pages.Count + 2, emulator.GetStats().Count(ReviewsList));
        Assert.Empty(emulator.HostileRules);
    }

    [Fact]
    public async Task ReadAllAsync_RecordRepeatedAcrossPages_EachRecordReadOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(Options(42), ct);
        await using var host = AccTestHost.Start(emulator, new Dictionary<string, string> { ["PageSize"] = "10" });
        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.RepeatRecord, Times: 2));

        var pages = await AccReads.PagesAsync(host, ActiveReviews(host, emulator), ct);

        Assert.Equal(2, emulator.GetStats().CountHostile(HostileKind.RepeatRecord));
        await AssertActiveReviewsAsync(emulator, pages, ct);
    }

    [Fact]
    public async Task ReadAllAsync_NextUrlChangesLimit_FollowsItAndReadsEveryRecordOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(Options(43), ct);
        await using var host = AccTestHost.Start(emulator, new Dictionary<string, string> { ["PageSize"] = "10" });
        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.NextUrlChangesLimit, Times: 1));

        var pages = await AccReads.PagesAsync(host, ActiveReviews(host, emulator), ct);

        Assert.Equal(1, emulator.GetStats().CountHostile(HostileKind.NextUrlChangesLimit));
        Assert.Contains(pages, static p => p.Records.Count == 5);
        await AssertActiveReviewsAsync(emulator, pages, ct);
    }

    [Fact]
    public async Task ReadAllAsync_NextUrlDropsTheFilters_ThrowsPaginationWithoutFollowingIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(Options(44), ct);
        await using var host = AccTestHost.Start(emulator, new Dictionary<string, string> { ["PageSize"] = "5" });
        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.NextUrlDropsFilters, Times: 1));
        var archived = host.Client.ReviewsUrl(host.Connection, emulator.ProjectIds[0], archived: true, null);

        // Followed, the link would read the active reviews as if they were the archived ones.
        var error = await Assert.ThrowsAsync<AccPaginationException>(() => AccReads.PagesAsync(host, archived, ct));

        Assert.Contains("asks for another list: it drops or changes", error.Reason, StringComparison.Ordinal);
        Assert.Contains("filter[archived]=true", error.Reason, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.Equal(1, emulator.GetStats().Count(ReviewsList));
    }

    [Fact]
    public async Task ReadAllAsync_OnlyTheVersionsEndpointDown_VersionsFailAsTransientWhileReviewsRead()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(Options(45), ct);
        await using var host = AccTestHost.Start(emulator, new Dictionary<string, string> { ["PageSize"] = "10", ["MaxRetries"] = "2" });
        emulator.AddHostile(new HostileRule(HostileTarget.Versions, HostileKind.Unavailable));
        var projectId = emulator.ProjectIds[0];
        var reviewId = (await AccDump.LoadAsync(emulator, ct)).Reviews(projectId).Select(AccReads.Id).First();

        var error = await Assert.ThrowsAsync<AccApiException>(
            () => AccReads.PagesAsync(host, host.Client.ReviewVersionsUrl(host.Connection, projectId, reviewId), ct));
        var pages = await AccReads.PagesAsync(host, ActiveReviews(host, emulator), ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.True(error.IsTransient);
        Assert.Equal(3, emulator.GetStats().Count("GET /construction/reviews/v1/projects/{projectId}/reviews/{reviewId}/versions"));
        await AssertActiveReviewsAsync(emulator, pages, ct);
    }

    private static Uri ActiveReviews(AccTestHost host, AccEmulator emulator) =>
        host.Client.ReviewsUrl(host.Connection, emulator.ProjectIds[0], archived: false, null);

    private static async Task AssertActiveReviewsAsync(AccEmulator emulator, List<SourcePage> pages, CancellationToken ct)
    {
        var dump = await AccDump.LoadAsync(emulator, ct);
        var active = dump.Reviews(emulator.ProjectIds[0]).Where(static r => !r.GetProperty("archived").GetBoolean());
        AccReads.AssertSameRecords(active, pages.SelectMany(static p => p.Records), AccReads.Id);
    }

    private static EmulatorOptions Options(int seed) => new()
    {
        Dataset = { Seed = seed, Projects = 1, ReviewsPerProject = 30, WorkflowsPerProject = 2, VersionsPerReview = 2, ArchivedShare = 0.3 },
        RateLimits = RateLimitOptions.Unlimited,
    };
}
