using OrleansSync.Emulator;
using OrleansSync.Sources.Acc.Client;
using static OrleansSync.Tests.Acc.TestPages;

namespace OrleansSync.Tests.Acc;

/// <summary>
/// A list that changes while it is read (a review archived on a page already read shifts the rest one place left) is
/// read again from its start, so no record slips between two pages; one that keeps changing, or keeps handing out
/// fresh offsets, ends the read with an error.
/// </summary>
public sealed class AccListDriftTests
{
    private const string ReviewsList = "GET /construction/reviews/v1/projects/{projectId}/reviews";
    [Fact]
    public void Check_TotalResultsChangesBetweenPages_ReturnsDrift()
    {
        var trail = new AccPageTrail();
        Assert.Null(trail.Check(List, Page(0, 6, At(2), records: 2)));

        var drift = trail.Check(At(2), Page(2, 5, At(4), records: 2));

        Assert.Equal("totalResults went from 6 to 5 between pages", drift?.Reason);
        Assert.Equal("GET /construction/reviews/v1/projects/p1/reviews", drift?.Endpoint);
    }

    [Fact]
    public void Check_RecordOfAnEarlierPageComesAgainWithTheTotalUnchanged_ReturnsDrift()
    {
        // One review left the list before the read's place and one joined it there: the total stays 6, the list moved
        // one place down, and the read meets review "b" again (and would skip one where it moved up).
        var trail = new AccPageTrail();
        var first = Reviews(0, At(2), "a", "b");
        Assert.Null(trail.Check(List, first));
        _ = trail.WithoutRepeats(first);

        var drift = trail.Check(At(2), Reviews(2, At(4), "b", "c"));

        Assert.Equal("id:b was on an earlier page of this read too", drift?.Reason);
    }

    private static SourcePage Reviews(int offset, Uri? next, params string[] ids) =>
        new([.. ids.Select(static id => System.Text.Json.JsonDocument.Parse($$"""{"id":"{{id}}"}""").RootElement)], offset, 6, next, 1, null);

    [Fact]
    public void Anchored_NextPageStartsWithTheLastRecordRead_HoldsTogetherAndDropsTheRepeat()
    {
        var trail = new AccPageTrail();
        Assert.Null(trail.Check(List, Reviews(0, At(2), "a", "b")));
        _ = trail.WithoutRepeats(Reviews(0, At(2), "a", "b"));

        var anchored = trail.Anchored(At(2));
        var page = Reviews(1, At(3), "b", "c");

        Assert.Equal(At(1), anchored);
        Assert.Null(trail.Check(anchored, page));
        Assert.Equal(["c"], trail.WithoutRepeats(page).Records.Select(static r => r.GetProperty("id").GetString()));
        Assert.Equal(3, trail.RecordsRead);
    }

    [Fact]
    public void Anchored_ResumedWithTheAnchor_ChecksItAndNeitherCountsNorReturnsItAgain()
    {
        var trail = new AccPageTrail(announcedTotal: 6, recordsRead: 2, anchor: "id:b");
        var page = Reviews(1, At(3), "b", "c");

        Assert.Null(trail.Check(At(1), page));
        Assert.Equal(["c"], trail.WithoutRepeats(page).Records.Select(static r => r.GetProperty("id").GetString()));
        Assert.Equal(3, trail.RecordsRead);
        Assert.NotNull(new AccPageTrail(announcedTotal: 6, recordsRead: 2, anchor: "id:b").Check(At(1), Reviews(1, At(3), "c", "d")));
    }

    [Fact]
    public void Anchored_NextPageStartsWithAnotherRecord_ReturnsDrift()
    {
        // "a" left the list and "g" joined it at its end: the total stays 6, "c" moved onto the page already read.
        var trail = new AccPageTrail();
        Assert.Null(trail.Check(List, Reviews(0, At(2), "a", "b")));
        _ = trail.WithoutRepeats(Reviews(0, At(2), "a", "b"));

        var drift = trail.Check(trail.Anchored(At(2)), Reviews(1, At(3), "c", "d"));

        Assert.Equal("the page at offset 1 starts with id:c, not id:b, which ended the page before: the list moved under the read", drift?.Reason);
    }

    [Fact]
    public void Check_LastPageEndsBeforeTheAnnouncedTotal_ReturnsDrift()
    {
        var trail = new AccPageTrail();
        Assert.Null(trail.Check(List, Page(0, 5, At(2), records: 2)));

        var drift = trail.Check(At(2), Page(2, 5, null, records: 2));

        Assert.Equal("the last page (offset 2, 2 records) ends before the 5 results announced", drift?.Reason);
    }

    [Fact]
    public void Check_ListEndsWithFewerRecordsThanAnnounced_ReturnsDrift()
    {
        var trail = new AccPageTrail();
        Assert.Null(trail.Check(List, Page(0, 6, At(2), records: 1)));
        Assert.Null(trail.Check(At(2), Page(2, 6, At(4), records: 2)));

        var drift = trail.Check(At(4), Page(4, 6, null, records: 2));

        Assert.Equal("the list ended after 5 records of the 6 it announced", drift?.Reason);
    }

    [Fact]
    public void Check_ResumedWithWhatWasRead_SeesTheTotalChangeAcrossTheResume()
    {
        var trail = new AccPageTrail(announcedTotal: 6, recordsRead: 2);

        var drift = trail.Check(At(2), Page(2, 7, At(4), records: 2));

        Assert.Equal("totalResults went from 6 to 7 between pages", drift?.Reason);
    }

    [Fact]
    public void Check_FreshOffsetsPastThePageCap_Throws()
    {
        // 10 results at 2 a page need 5 pages; the cap allows 2 more, then the read stops.
        var trail = new AccPageTrail();
        for (var offset = 0; offset < 6; offset++)
        {
            Assert.Null(trail.Check(offset == 0 ? List : At(offset), Page(offset, 10, At(offset + 1), records: 2)));
        }

        var error = Assert.Throws<AccPaginationException>(() => trail.Check(At(6), Page(6, 10, At(7), records: 2)));

        Assert.Equal("the list asks for page 8, past its cap of 7 pages (10 totalResults, limit 2, OrleansSync:Acc:MaxListPages 100000)", error.Reason);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task ReadAllAsync_OffsetsThatStepByOneRecord_StopAtThePageCap()
    {
        var ct = TestContext.Current.CancellationToken;
        HostileUpstream? server = null;
        await using var upstream = server = await HostileUpstream.StartAsync(
            context => HostileUpstream.WritePageAsync(context, Offset(context), 10, server!.ReviewsPage(Offset(context) + 1)),
            null,
            ct);
        await using var host = AccTestHost.Start(upstream.Connection);

        var error = await Assert.ThrowsAsync<AccPaginationException>(() => AccReads.PagesAsync(host, upstream.ReviewsUrl, ct));

        Assert.StartsWith("the list asks for page 8, past its cap of 7 pages", error.Reason, StringComparison.Ordinal);
        Assert.Equal(7, upstream.Count(HostileUpstream.ReviewsEndpoint));
    }

    [Fact]
    public async Task ReadAllAsync_ReviewArchivedAfterTheFirstPage_ReadsTheListAgainAndReturnsEveryReviewOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(Options(seed: 31), ct);
        await using var host = AccTestHost.Start(emulator, new Dictionary<string, string> { ["PageSize"] = "10" });
        var projectId = emulator.ProjectIds[0];
        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.DriftAfterPage, Times: 1));

        var pages = await AccReads.PagesAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, archived: false, null), ct);

        var dump = await AccDump.LoadAsync(emulator, ct);
        var active = dump.Reviews(projectId).Where(static r => !r.GetProperty("archived").GetBoolean()).ToList();
        AccReads.AssertSameRecords(active, pages.SelectMany(static p => p.Records), AccReads.Id);
        var stats = emulator.GetStats();
        // One page of the drifted read, the page that showed the drift, then the whole list again.
        Assert.Equal(2 + pages.Count, stats.Count(ReviewsList));
        Assert.Equal(stats.Total, pages.Sum(static p => p.Calls));
        Assert.Equal(1, stats.CountHostile(HostileKind.DriftAfterPage));
    }

    [Fact]
    public async Task ReadAllAsync_ListDriftsOnEveryRead_ThrowsAfterTheRereadsAllowed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(Options(seed: 32), ct);
        await using var host = AccTestHost.Start(emulator, new Dictionary<string, string> { ["PageSize"] = "10", ["MaxListRereads"] = "2" });
        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.DriftAfterPage));

        var error = await Assert.ThrowsAsync<AccPaginationException>(
            () => AccReads.PagesAsync(host, host.Client.ReviewsUrl(host.Connection, emulator.ProjectIds[0], archived: false, null), ct));

        Assert.StartsWith("the list changed while it was read, and again on each of 2 reads from its start", error.Reason, StringComparison.Ordinal);
        Assert.Contains("OrleansSync:Acc:MaxListRereads", error.Message, StringComparison.Ordinal);
        // Each of the 3 reads stops at its second page, where the drift shows.
        Assert.Equal(6, emulator.GetStats().Count(ReviewsList));
    }

    private static EmulatorOptions Options(int seed) => new()
    {
        Dataset = { Seed = seed, Projects = 1, ReviewsPerProject = 30, WorkflowsPerProject = 2, ArchivedShare = 0.2 },
        RateLimits = RateLimitOptions.Unlimited,
    };
}
