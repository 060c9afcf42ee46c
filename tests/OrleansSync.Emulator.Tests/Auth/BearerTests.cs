using System.Net;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Auth;

[Collection(SharedEmulatorCollection.Name)]
public sealed class BearerTests(SharedEmulatorFixture fixture)
{
    private string ReviewsPath => UpstreamClient.ReviewsPath(fixture.Emulator.ProjectIds[0]);

    [Fact]
    public async Task Reviews_NoToken_Returns401WithAccErrorBody()
    {
        var response = await fixture.Client.GetAsync(ReviewsPath, null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        AssertAccError(response);
    }

    [Fact]
    public async Task Reviews_UnknownToken_Returns401WithAccErrorBody()
    {
        var response = await fixture.Client.GetAsync(ReviewsPath, "not-a-token", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        AssertAccError(response);
    }

    [Fact]
    public async Task Reviews_MissingUserId_Returns400WithDeveloperMessage()
    {
        var response = await fixture.Client.GetAsync(ReviewsPath, fixture.Token, TestContext.Current.CancellationToken, userId: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("x-user-id", response.Json.GetProperty("developerMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminProjects_NoUserId_IsAllowed()
    {
        var path = $"/construction/admin/v1/accounts/{fixture.Emulator.AccountId}/projects";

        var response = await fixture.Client.GetAsync(path, fixture.Token, TestContext.Current.CancellationToken, userId: false);

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Reviews_ExpiredToken_Returns401()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            TestOptions.Small(faults: new FaultSettings { TokenTtlSeconds = 2 }),
            ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path, token, ct)).Status);

        var response = await Poll.UntilAsync(
            () => client.GetAsync(path, token, ct),
            r => r.Status == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(10),
            ct);

        AssertAccError(response);
        Assert.Contains("expired", response.Json.GetProperty("developerMessage").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    private static void AssertAccError(ApiResponse response)
    {
        Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("developerMessage").GetString()));
        Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("errorCode").GetString()));
        Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("moreInfo").GetString()));
    }
}
