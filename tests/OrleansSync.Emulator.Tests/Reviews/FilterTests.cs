using System.Globalization;
using System.Net;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Reviews;

[Collection(SharedEmulatorCollection.Name)]
public sealed class FilterTests(SharedEmulatorFixture fixture)
{
    private string ProjectId => fixture.Emulator.ProjectIds[1];

    [Fact]
    public async Task ListReviews_Default_HidesArchived()
    {
        var ct = TestContext.Current.CancellationToken;
        var dump = new DumpReader(await fixture.Emulator.DumpAsync(ct));
        var archived = dump.Reviews(ProjectId).Count(r => r.GetProperty("archived").GetBoolean());
        Assert.Equal(30, archived);

        var active = await fixture.Client.GetAllAsync(UpstreamClient.ReviewsPath(ProjectId), fixture.Token, ct);
        var onlyArchived = await fixture.Client.GetAllAsync(UpstreamClient.ReviewsPath(ProjectId) + "?filter[archived]=true", fixture.Token, ct);

        Assert.Equal(90, active.Count);
        Assert.All(active, r => Assert.False(r.GetProperty("archived").GetBoolean()));
        Assert.Equal(archived, onlyArchived.Count);
        Assert.All(onlyArchived, r => Assert.True(r.GetProperty("archived").GetBoolean()));
    }

    [Fact]
    public async Task ListWorkflows_Default_ReturnsActiveOnly()
    {
        var ct = TestContext.Current.CancellationToken;

        var active = await fixture.Client.GetAllAsync(UpstreamClient.WorkflowsPath(ProjectId), fixture.Token, ct);
        var inactive = await fixture.Client.GetAllAsync(UpstreamClient.WorkflowsPath(ProjectId) + "?filter[status]=INACTIVE", fixture.Token, ct);

        Assert.Equal(4, active.Count);
        Assert.All(active, w => Assert.Equal("ACTIVE", w.GetProperty("status").GetString()));
        Assert.Equal(2, inactive.Count);
        Assert.All(inactive, w => Assert.Equal("INACTIVE", w.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task ListReviews_UpdatedAtRange_ReturnsOnlyReviewsInRange()
    {
        var ct = TestContext.Current.CancellationToken;
        var dump = new DumpReader(await fixture.Emulator.DumpAsync(ct));
        var updated = dump.Reviews(ProjectId)
            .Where(r => !r.GetProperty("archived").GetBoolean())
            .Select(r => DateTimeOffset.Parse(r.GetProperty("updatedAt").GetString()!, CultureInfo.InvariantCulture))
            .Order()
            .ToList();
        var from = updated[20];
        var to = updated[60];
        var range = $"{from:yyyy-MM-ddTHH:mm:ss.fffZ}..{to:yyyy-MM-ddTHH:mm:ss.fffZ}";

        var closed = await fixture.Client.GetAllAsync($"{UpstreamClient.ReviewsPath(ProjectId)}?filter[updatedAt]={range}", fixture.Token, ct);
        var open = await fixture.Client.GetAllAsync($"{UpstreamClient.ReviewsPath(ProjectId)}?filter[updatedAt]={from:yyyy-MM-ddTHH:mm:ss.fffZ}..", fixture.Token, ct);

        Assert.Equal(updated.Count(u => u >= from && u <= to), closed.Count);
        Assert.Equal(updated.Count(u => u >= from), open.Count);
        Assert.All(closed, r =>
        {
            var value = DateTimeOffset.Parse(r.GetProperty("updatedAt").GetString()!, CultureInfo.InvariantCulture);
            Assert.InRange(value, from, to);
        });
    }

    [Theory]
    [InlineData("sort=updatedAt")]
    [InlineData("sort=-updatedAt")]
    [InlineData("filter[status]=DONE")]
    [InlineData("filter[updatedAt]=yesterday..")]
    [InlineData("filter[archived]=maybe")]
    public async Task ListReviews_InvalidQuery_Returns400(string query)
    {
        var response = await fixture.Client.GetAsync(
            $"{UpstreamClient.ReviewsPath(ProjectId)}?{query}",
            fixture.Token,
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("developerMessage").GetString()));
    }

    [Fact]
    public async Task ListReviews_SortCreatedAtDescending_OrdersNewestFirst()
    {
        var reviews = await fixture.Client.GetAllAsync(
            $"{UpstreamClient.ReviewsPath(ProjectId)}?sort=-createdAt",
            fixture.Token,
            TestContext.Current.CancellationToken);

        var created = reviews.Select(r => r.GetProperty("createdAt").GetString()).ToList();
        Assert.Equal(created.OrderDescending(StringComparer.Ordinal), created);
    }

    [Fact]
    public async Task ListReviews_StatusAndWorkflowFilters_MatchDump()
    {
        var ct = TestContext.Current.CancellationToken;
        var dump = new DumpReader(await fixture.Emulator.DumpAsync(ct));
        var workflowId = dump.Workflows(ProjectId).First().GetProperty("id").GetString();
        var expected = dump.Reviews(ProjectId).Count(r =>
            !r.GetProperty("archived").GetBoolean()
            && r.GetProperty("status").GetString() is "VOID" or "FAILED" or "CLOSED"
            && r.GetProperty("workflowId").GetString() == workflowId);

        var reviews = await fixture.Client.GetAllAsync(
            $"{UpstreamClient.ReviewsPath(ProjectId)}?filter[status]=VOID,FAILED&filter[status]=closed&filter[workflowId]={workflowId}",
            fixture.Token,
            ct);

        Assert.Equal(expected, reviews.Count);
    }
}
