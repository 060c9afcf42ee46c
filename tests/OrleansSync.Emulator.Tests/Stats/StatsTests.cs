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

    [Fact]
    public async Task Stats_HostileAndOutage_CountedBesideTheExistingFields()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]);

        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.TotalResultsLie, Times: 2));
        await client.GetAsync(path, token, ct);
        await client.GetAsync(path, token, ct);
        emulator.SetFaults(emulator.Faults with { OutageStatus = 503 });
        await client.GetAsync(path, token, ct);
        var stats = await client.GetAsync("/__stats", null, ct);
        var reset = await client.PostAsync("/__stats/reset", ct);

        var json = stats.Json;
        foreach (var field in new[] { "total", "byStatus", "endpoints", "quotaRejections", "injectedThrottles", "injectedServerErrors" })
        {
            Assert.True(json.TryGetProperty(field, out _), field);
        }

        Assert.Equal(1, json.GetProperty("injectedOutages").GetInt64());
        var hostile = json.GetProperty("injectedHostile");
        Assert.Equal(2, hostile.GetProperty("totalResultsLie").GetInt64());
        Assert.Equal(Enum.GetValues<HostileKind>().Length, hostile.EnumerateObject().Count());
        Assert.All(hostile.EnumerateObject().Where(p => p.Name != "totalResultsLie"), p => Assert.Equal(0, p.Value.GetInt64()));
        Assert.Equal(0, reset.Json.GetProperty("injectedOutages").GetInt64());
        Assert.Equal(0, reset.Json.GetProperty("injectedHostile").GetProperty("totalResultsLie").GetInt64());
    }
}
