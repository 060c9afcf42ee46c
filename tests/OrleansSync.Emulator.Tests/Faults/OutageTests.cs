using System.Net;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Faults;

public sealed class OutageTests
{
    [Fact]
    public async Task OutageStatus_SetOverHttp_EveryUpstreamCallTokenIncludedAnswersItWithAccErrorBody()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);

        var set = await client.PostJsonAsync("/__faults", new { outageStatus = 503 }, ct);
        var tokenCall = await client.RequestTokenAsync(null, ct);
        var reviews = await client.GetAsync(UpstreamClient.ReviewsPath(emulator.ProjectIds[0]), token, ct);
        var anonymous = await client.GetAsync(UpstreamClient.ReviewsPath(emulator.ProjectIds[0]), null, ct);
        var admin = await client.GetAsync($"/construction/admin/v1/accounts/{emulator.AccountId}/projects", token, ct);
        var control = await client.GetAsync("/__info", null, ct);

        Assert.Equal(503, set.Json.GetProperty("outageStatus").GetInt32());
        Assert.All([tokenCall, reviews, anonymous, admin], response =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
            Assert.Equal("ERR_SERVICE_UNAVAILABLE", response.Json.GetProperty("errorCode").GetString());
            Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("developerMessage").GetString()));
            Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("moreInfo").GetString()));
        });
        Assert.Equal(HttpStatusCode.OK, control.Status);
        var stats = emulator.GetStats();
        Assert.Equal(4, stats.InjectedOutages);
        Assert.Equal(4, stats.CountStatus(503));
    }

    [Fact]
    public async Task OutageStatus_DuringOutage_NoQuotaIsCounted()
    {
        var ct = TestContext.Current.CancellationToken;
        var limits = RateLimitOptions.Unlimited with { TokenPerWindow = 1 };
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(limits: limits), ct);
        using var client = new UpstreamClient(emulator);

        emulator.SetFaults(emulator.Faults with { OutageStatus = 502 });
        var during = new List<ApiResponse>();
        for (var i = 0; i < 3; i++)
        {
            during.Add(await client.RequestTokenAsync(null, ct));
        }

        emulator.SetFaults(emulator.Faults with { OutageStatus = 0 });
        var after = await client.RequestTokenAsync(null, ct);

        Assert.All(during, r => Assert.Equal(HttpStatusCode.BadGateway, r.Status));
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Equal(0, emulator.GetStats().QuotaRejections);
    }

    [Fact]
    public async Task OutageStatus_ResetOrInvalid_RestoresOrRefuses()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);

        var invalid = await client.PostJsonAsync("/__faults", new { outageStatus = 200 }, ct);
        await client.PostJsonAsync("/__faults", new { outageStatus = 500 }, ct);
        var down = await client.RequestTokenAsync(null, ct);
        var reset = await client.PostJsonAsync("/__faults", new { reset = true }, ct);
        var up = await client.RequestTokenAsync(null, ct);

        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.Equal(HttpStatusCode.InternalServerError, down.Status);
        Assert.Equal(0, reset.Json.GetProperty("outageStatus").GetInt32());
        Assert.Equal(HttpStatusCode.OK, up.Status);
        Assert.Throws<ArgumentException>(() => emulator.SetFaults(emulator.Faults with { OutageStatus = 302 }));
    }
}
