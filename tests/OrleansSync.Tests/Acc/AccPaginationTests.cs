using OrleansSync.Sources.Acc.Client;
using static OrleansSync.Tests.Acc.TestPages;

namespace OrleansSync.Tests.Acc;

/// <summary>Lists whose links loop or run past their own total end the read with an AccPaginationException.</summary>
public sealed class AccPaginationTests
{
    [Theory]
    [InlineData("limit=2")]
    [InlineData("offset=0&limit=2")]
    [InlineData("limit=2&offset=0#again")]
    public async Task ReadAllAsync_NextUrlCyclesBackToFirstPage_ThrowsPaginationWithoutFetchingItAgain(string backToFirst)
    {
        var ct = TestContext.Current.CancellationToken;
        HostileUpstream? server = null;
        await using var upstream = server = await HostileUpstream.StartAsync(
            context => Offset(context) == 0
                ? HostileUpstream.WritePageAsync(context, 0, 6, server!.ReviewsPage(2))
                : HostileUpstream.WritePageAsync(context, 2, 6, new Uri(server!.BaseUrl, $"{HostileUpstream.ReviewsPath}?{backToFirst}")),
            null,
            ct);
        await using var host = AccTestHost.Start(upstream.Connection);
        var pages = new List<SourcePage>();

        var error = await Assert.ThrowsAsync<AccPaginationException>(async () =>
        {
            await foreach (var page in host.Client.ReadAllAsync(host.Connection, upstream.ReviewsUrl, ct))
            {
                pages.Add(page);
            }
        });

        // No page is handed out before the list held together to its end.
        Assert.Empty(pages);
        Assert.Equal(2, upstream.Count(HostileUpstream.ReviewsEndpoint));
        Assert.Equal(HostileUpstream.ReviewsEndpoint, error.Endpoint);
        Assert.Equal("the nextUrl of the page at offset 2 leads back to offset 0, already read", error.Reason);
        Assert.Contains(HostileUpstream.ReviewsPath, error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task ReadAllAsync_NextUrlOffsetBeyondTotalResults_ThrowsPagination()
    {
        var ct = TestContext.Current.CancellationToken;
        HostileUpstream? server = null;
        await using var upstream = server = await HostileUpstream.StartAsync(
            context => HostileUpstream.WritePageAsync(context, Offset(context), 3, server!.ReviewsPage(Offset(context) + 2)),
            null,
            ct);
        await using var host = AccTestHost.Start(upstream.Connection);

        var error = await Assert.ThrowsAsync<AccPaginationException>(() => AccReads.PagesAsync(host, upstream.ReviewsUrl, ct));

        Assert.Equal(2, upstream.Count(HostileUpstream.ReviewsEndpoint));
        Assert.Equal("the nextUrl of the page at offset 2 asks for offset 4, but the list has 3 results", error.Reason);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public void Check_PagesThatFollowOneAnother_Pass()
    {
        var trail = new AccPageTrail();

        Assert.Null(trail.Check(List, Page(0, 5, At(2), records: 2)));
        Assert.Null(trail.Check(At(2), Page(2, 5, At(4), records: 2)));
        Assert.Null(trail.Check(At(4), Page(4, 5, null)));

        Assert.Equal(3, trail.Pages);
        Assert.Equal(5, trail.RecordsRead);
    }

    [Fact]
    public void Check_LinkWithQueryReorderedAndEscaped_IsTheSamePage()
    {
        var trail = new AccPageTrail();
        var first = new Uri("https://acc.example/construction/reviews/v1/projects/p1/reviews?filter[archived]=false&limit=2&offset=0");
        var respelled = new Uri("https://ACC.example:443/construction/reviews/v1/projects/p1/reviews?limit=2&filter%5Barchived%5D=false&offset=0");
        var second = new Uri(first, "?filter[archived]=false&limit=2&offset=2");
        trail.Check(first, Page(0, 10, second));

        var error = Assert.Throws<AccPaginationException>(() => trail.Check(second, Page(2, 10, respelled)));

        Assert.Equal("the nextUrl of the page at offset 2 leads back to offset 0, already read", error.Reason);
    }

    [Fact]
    public void Check_SameOffsetFromAnotherUrl_Throws()
    {
        var trail = new AccPageTrail();
        trail.Check(List, Page(0, 10, At(2)));

        var error = Assert.Throws<AccPaginationException>(() => trail.Check(new Uri(List, "?limit=3"), Page(0, 10, null)));

        Assert.Equal("two pages of the list answered offset 0", error.Reason);
        Assert.Equal("GET /construction/reviews/v1/projects/p1/reviews", error.Endpoint);
    }

    [Fact]
    public void Check_SameUrlFedTwice_Throws()
    {
        var trail = new AccPageTrail();
        trail.Check(List, Page(0, 10, At(2)));

        var error = Assert.Throws<AccPaginationException>(() => trail.Check(List, Page(2, 10, null)));

        Assert.Equal("the page at offset 2 was fetched twice from the same URL", error.Reason);
    }

    [Fact]
    public void Check_NextUrlAtTotalResults_Throws()
    {
        var trail = new AccPageTrail();

        var error = Assert.Throws<AccPaginationException>(() => trail.Check(List, Page(0, 2, At(2))));

        Assert.Equal("the nextUrl of the page at offset 0 asks for offset 2, but the list has 2 results", error.Reason);
    }

    [Fact]
    public void Check_NoTotalResultsAndLinkWithoutOffset_Passes()
    {
        var trail = new AccPageTrail();

        trail.Check(List, Page(0, null, new Uri(List, "?cursor=abc")));
        trail.Check(new Uri(List, "?cursor=abc"), Page(2, null, null));

        Assert.Equal(2, trail.Pages);
    }
}
