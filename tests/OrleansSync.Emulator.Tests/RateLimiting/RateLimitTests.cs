using System.Net;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.RateLimiting;

public sealed class RateLimitTests
{
    private static readonly RateLimitOptions FivePerSecond = new()
    {
        Window = TimeSpan.FromSeconds(1),
        ReviewsPerWindow = 5,
        AdminPerWindow = 5,
        TokenPerWindow = 50,
    };

    [Fact]
    public async Task Reviews_OverQuota_Returns429WithRetryAfterThenRecovers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(limits: FivePerSecond), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]);

        var responses = new List<ApiResponse>();
        while (responses.Count < 100 && (responses.Count == 0 || responses[^1].Status == HttpStatusCode.OK))
        {
            responses.Add(await client.GetAsync(path, token, ct));
        }

        // The window slides, so a slow machine may get more than five through; never fewer.
        var limited = responses[^1];
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.InRange(responses.Count, 6, 100);
        Assert.Equal("""{"developerMessage":"Quota limit exceeded."}""", limited.Body);
        Assert.Equal("1", Assert.Single(limited.Headers.GetValues("Retry-After")));
        Assert.All(responses[..^1], r => Assert.DoesNotContain(r.Headers, h => h.Key.Contains("RateLimit", StringComparison.OrdinalIgnoreCase)));

        var recovered = await Poll.UntilAsync(() => client.GetAsync(path, token, ct), r => r.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(5), ct);
        Assert.Equal(HttpStatusCode.OK, recovered.Status);
    }

    [Fact]
    public async Task Reviews_QuotaExhaustedByOneClient_OtherClientUnaffected()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = TestOptions.Small(limits: FivePerSecond with { Window = TimeSpan.FromMinutes(1) });
        var other = new EmulatorClient("other-client", "other-secret");
        options.Clients.Add(other);
        await using var emulator = await AccEmulator.StartAsync(options, ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var otherToken = await client.TokenAsync(ct, other);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path, token, ct)).Status);
        }

        var limited = await client.GetAsync(path, token, ct);
        var otherResponse = await client.GetAsync(path, otherToken, ct);
        var adminResponse = await client.GetAsync($"/construction/admin/v1/accounts/{emulator.AccountId}/projects", token, ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Equal(HttpStatusCode.OK, otherResponse.Status);
        Assert.Equal(HttpStatusCode.OK, adminResponse.Status);
        Assert.Equal(1, emulator.GetStats().QuotaRejections);
    }
}
