using System.Net;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Auth;

[Collection(SharedEmulatorCollection.Name)]
public sealed class TokenTests(SharedEmulatorFixture fixture)
{
    [Fact]
    public async Task Token_BasicCredentials_ReturnsBearerToken()
    {
        var response = await fixture.Client.RequestTokenAsync(null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("access_token").GetString()));
        Assert.Equal("Bearer", response.Json.GetProperty("token_type").GetString());
        Assert.Equal(3599, response.Json.GetProperty("expires_in").GetInt32());
    }

    [Fact]
    public async Task Token_FormCredentials_ReturnsUsableToken()
    {
        var ct = TestContext.Current.CancellationToken;
        var response = await fixture.Client.RequestTokenAsync(null, ct, basic: false);
        Assert.Equal(HttpStatusCode.OK, response.Status);

        var token = response.Json.GetProperty("access_token").GetString();
        var page = await fixture.Client.GetAsync(UpstreamClient.ReviewsPath(fixture.Emulator.ProjectIds[0]), token, ct);

        Assert.Equal(HttpStatusCode.OK, page.Status);
    }

    [Fact]
    public async Task Token_WrongSecret_Returns401InvalidClient()
    {
        var response = await fixture.Client.RequestTokenAsync(
            new EmulatorClient("demo-client", "wrong"),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("invalid_client", response.Json.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("error_description").GetString()));
    }

    [Fact]
    public async Task Token_UnknownClient_Returns401InvalidClient()
    {
        var response = await fixture.Client.RequestTokenAsync(
            new EmulatorClient("nobody", "demo-secret"),
            TestContext.Current.CancellationToken,
            basic: false);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("invalid_client", response.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_WrongGrantType_Returns400UnsupportedGrantType()
    {
        var response = await fixture.Client.RequestTokenAsync(
            null,
            TestContext.Current.CancellationToken,
            grantType: "authorization_code");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("unsupported_grant_type", response.Json.GetProperty("error").GetString());
    }
}
