using System.Net;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Stats;

public sealed class StatsTests
{
    private const string ReviewsEndpoint = "GET /construction/reviews/v1/projects/{projectId}/reviews";
    private const string ReviewEndpoint = "GET /construction/reviews/v1/projects/{projectId}/reviews/{reviewId}";
    private const string TokenEndpoint = "POST /authentication/v2/token";

    [Fact]
    public async Task Stats_AfterCalls_CountsByRouteTemplateAndStatus()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var projectId = emulator.ProjectIds[0];

        await client.GetAsync(UpstreamClient.ReviewsPath(projectId), token, ct);
        await client.GetAsync(UpstreamClient.ReviewsPath("b." + emulator.ProjectIds[1]), token, ct);
        await client.GetAsync(UpstreamClient.ReviewsPath(projectId), null, ct);
        await client.GetAsync(UpstreamClient.ReviewsPath(projectId) + "/nope", token, ct);
        await client.GetAsync("/__dump", null, ct);
        var response = await client.GetAsync("/__stats", null, ct, userId: false);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var endpoints = response.Json.GetProperty("endpoints");
        Assert.Equal(2, endpoints.GetProperty(ReviewsEndpoint).GetProperty("byStatus").GetProperty("200").GetInt64());
        Assert.Equal(1, endpoints.GetProperty(ReviewsEndpoint).GetProperty("byStatus").GetProperty("401").GetInt64());
        Assert.Equal(3, endpoints.GetProperty(ReviewsEndpoint).GetProperty("total").GetInt64());
        Assert.Equal(1, endpoints.GetProperty(ReviewEndpoint).GetProperty("byStatus").GetProperty("404").GetInt64());
        Assert.Equal(1, endpoints.GetProperty(TokenEndpoint).GetProperty("total").GetInt64());
        Assert.Equal(5, response.Json.GetProperty("total").GetInt64());
        Assert.Equal(3, response.Json.GetProperty("byStatus").GetProperty("200").GetInt64());
        Assert.Equal(2, emulator.GetStats().Count(ReviewsEndpoint, 200));
    }

    [Fact]
    public async Task StatsReset_OverHttp_ZeroesCounts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        await client.TokenAsync(ct);

        var reset = await client.PostAsync("/__stats/reset", ct);

        Assert.Equal(HttpStatusCode.OK, reset.Status);
        Assert.Equal(0, reset.Json.GetProperty("total").GetInt64());
        Assert.Equal(0, emulator.GetStats().Total);
    }

    [Fact]
    public async Task Stats_UnknownPath_CountedAsUnmatched404()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);

        var response = await client.GetAsync("/construction/issues/v1/whatever", null, ct);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal(1, emulator.GetStats().Count("GET (unmatched)", 404));
    }
}
