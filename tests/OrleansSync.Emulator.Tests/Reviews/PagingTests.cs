using System.Net;
using System.Text.Json;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Reviews;

[Collection(SharedEmulatorCollection.Name)]
public sealed class PagingTests(SharedEmulatorFixture fixture)
{
    private string ProjectId => fixture.Emulator.ProjectIds[0];

    [Fact]
    public async Task ListReviews_FollowingNextUrl_WalksEveryRecordOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var dump = new DumpReader(await fixture.Emulator.DumpAsync(ct));
        var expected = dump.Reviews(ProjectId).Where(r => !r.GetProperty("archived").GetBoolean()).ToList();
        var urls = new List<string>();
        var seen = new List<JsonElement>();

        string? url = UpstreamClient.ReviewsPath(ProjectId) + "?limit=7";
        while (url is not null)
        {
            var page = await fixture.Client.GetAsync(url, fixture.Token, ct);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Equal(7, page.Pagination.GetProperty("limit").GetInt32());
            Assert.Equal(expected.Count, page.Pagination.GetProperty("totalResults").GetInt32());
            seen.AddRange(page.Results.EnumerateArray());
            url = page.NextUrl;
            if (url is not null)
            {
                urls.Add(url);
            }
        }

        Assert.Equal(expected.Select(r => r.GetProperty("id").GetString()), seen.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal((expected.Count + 6) / 7 - 1, urls.Count);
        Assert.All(urls, u => Assert.StartsWith(fixture.Emulator.BaseUrl.ToString().TrimEnd('/') + "/construction/", u, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListReviews_LastPage_HasNoNextUrl()
    {
        var page = await fixture.Client.GetAsync(UpstreamClient.ReviewsPath(ProjectId), fixture.Token, TestContext.Current.CancellationToken);

        Assert.Equal(50, page.Pagination.GetProperty("limit").GetInt32());
        var total = page.Pagination.GetProperty("totalResults").GetInt32();
        var last = await fixture.Client.GetAsync(
            $"{UpstreamClient.ReviewsPath(ProjectId)}?offset={total - 1}",
            fixture.Token,
            TestContext.Current.CancellationToken);

        Assert.Single(last.Results.EnumerateArray());
        Assert.False(last.Pagination.TryGetProperty("nextUrl", out _));
    }

    [Fact]
    public async Task ListReviews_NextUrl_KeepsFilters()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = $"{UpstreamClient.ReviewsPath("b." + ProjectId)}?filter[status]=OPEN,CLOSED&sort=name desc&limit=5";

        var first = await fixture.Client.GetAsync(path, fixture.Token, ct);
        var next = await fixture.Client.GetAsync(first.NextUrl!, fixture.Token, ct);

        Assert.Contains("filter[status]=OPEN%2CCLOSED", first.NextUrl, StringComparison.Ordinal);
        Assert.Contains("offset=5", first.NextUrl, StringComparison.Ordinal);
        Assert.Equal(first.Pagination.GetProperty("totalResults").GetInt32(), next.Pagination.GetProperty("totalResults").GetInt32());
        Assert.All(next.Results.EnumerateArray(), r => Assert.Contains(r.GetProperty("status").GetString(), new[] { "OPEN", "CLOSED" }));
        var names = first.Results.EnumerateArray().Concat(next.Results.EnumerateArray()).Select(r => r.GetProperty("name").GetString()).ToList();
        Assert.Equal(names.OrderDescending(StringComparer.Ordinal), names);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=51")]
    [InlineData("limit=-1")]
    [InlineData("limit=ten")]
    [InlineData("offset=-3")]
    public async Task ListReviews_InvalidPaging_Returns400(string query)
    {
        var response = await fixture.Client.GetAsync(
            $"{UpstreamClient.ReviewsPath(ProjectId)}?{query}",
            fixture.Token,
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("developerMessage").GetString()));
    }

    [Fact]
    public async Task ListWorkflows_Paging_WalksAllActive()
    {
        var ct = TestContext.Current.CancellationToken;
        var dump = new DumpReader(await fixture.Emulator.DumpAsync(ct));
        var active = dump.Workflows(ProjectId).Count(w => w.GetProperty("status").GetString() == "ACTIVE");

        var all = await fixture.Client.GetAllAsync(UpstreamClient.WorkflowsPath(ProjectId) + "?limit=1", fixture.Token, ct);

        Assert.Equal(active, all.Count);
    }
}
