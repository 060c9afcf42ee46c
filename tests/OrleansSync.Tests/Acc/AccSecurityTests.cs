using System.Text;
using OrleansSync.Emulator;
using OrleansSync.Sources.Acc.Client;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Acc;

[Collection(RunsAloneCollection.Name)]
public sealed class AccSecurityTests
{
    [Fact]
    public async Task GetPageAsync_NextUrlOnAnotherPort_RefusesWithoutCallingAnyone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(new EmulatorOptions { Dataset = { Projects = 1, ReviewsPerProject = 1 } }, ct);
        await using var elsewhere = await AccEmulator.StartAsync(new EmulatorOptions { Dataset = { Projects = 1, ReviewsPerProject = 1 } }, ct);
        await using var host = AccTestHost.Start(emulator);
        var page = host.Client.ReviewsUrl(host.Connection, emulator.ProjectIds[0], false, null);
        var foreign = new UriBuilder(page) { Port = elsewhere.BaseUrl.Port }.Uri;

        var error = await Assert.ThrowsAsync<AccUntrustedUrlException>(() => host.Client.GetPageAsync(host.Connection, foreign, ct));

        Assert.Contains(elsewhere.BaseUrl.Authority, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, elsewhere.GetStats().Total);
        Assert.Equal(0, emulator.GetStats().Total);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1.nip.io")]
    public async Task GetPageAsync_NextUrlOnAnotherHostName_Refuses(string host)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(new EmulatorOptions { Dataset = { Projects = 1, ReviewsPerProject = 1 } }, ct);
        await using var acc = AccTestHost.Start(emulator);
        var foreign = new UriBuilder(acc.Client.ReviewsUrl(acc.Connection, emulator.ProjectIds[0], false, null)) { Host = host }.Uri;

        await Assert.ThrowsAsync<AccUntrustedUrlException>(() => acc.Client.GetPageAsync(acc.Connection, foreign, ct));
        Assert.Equal(0, emulator.GetStats().Total);
    }

    [Fact]
    public async Task GetPageAsync_NextUrlWithAnotherScheme_Refuses()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(new EmulatorOptions { Dataset = { Projects = 1, ReviewsPerProject = 1 } }, ct);
        await using var acc = AccTestHost.Start(emulator);
        var foreign = new UriBuilder(acc.Client.ReviewsUrl(acc.Connection, emulator.ProjectIds[0], false, null)) { Scheme = "https" }.Uri;

        await Assert.ThrowsAsync<AccUntrustedUrlException>(() => acc.Client.GetPageAsync(acc.Connection, foreign, ct));
    }

    [Fact]
    public async Task GetPageAsync_TokenAndPageRedirectedToAnotherOrigin_NeitherSecretNorTokenFollows()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var elsewhere = await HostileUpstream.StartAsync(static c => HostileUpstream.WriteJsonAsync(c, "{}"), null, ct);
        await using var tokenRedirects = await HostileUpstream.StartAsync(
            static c => HostileUpstream.WriteJsonAsync(c, "{}"), c => Redirect(c, new Uri(elsewhere.BaseUrl, "/authentication/v2/token")), ct);
        await using var pageRedirects = await HostileUpstream.StartAsync(c => Redirect(c, new Uri(elsewhere.BaseUrl, HostileUpstream.ReviewsPath)), null, ct);
        await using var tokenHost = AccTestHost.Start(tokenRedirects.Connection, HostileUpstream.ShortBounds);
        await using var pageHost = AccTestHost.Start(pageRedirects.Connection, HostileUpstream.ShortBounds);

        // A 307 would repeat the token request, Basic credentials and all; a 302 would carry the page request on.
        await Assert.ThrowsAnyAsync<Exception>(() => tokenHost.Client.GetPageAsync(tokenHost.Connection, tokenRedirects.ReviewsUrl, ct));
        await Assert.ThrowsAnyAsync<Exception>(() => pageHost.Client.GetPageAsync(pageHost.Connection, pageRedirects.ReviewsUrl, ct));

        Assert.True(tokenRedirects.Count(HostileUpstream.TokenEndpoint) > 0);
        Assert.True(pageRedirects.Count(HostileUpstream.ReviewsEndpoint) > 0);
        Assert.Equal(0, elsewhere.Count(HostileUpstream.TokenEndpoint));
        Assert.Equal(0, elsewhere.Count(HostileUpstream.ReviewsEndpoint));
    }

    private static Task Redirect(Microsoft.AspNetCore.Http.HttpContext context, Uri to)
    {
        context.Response.StatusCode = context.Request.Method == "POST" ? 307 : 302;
        context.Response.Headers.Location = to.AbsoluteUri;
        return Task.CompletedTask;
    }

    [Fact]
    public void ToString_ConnectionAndToken_LeaveOutSecretAndAccessToken()
    {
        var connection = new AccConnection(new Uri("https://developer.api.autodesk.com/"), "my-client", "s3cr3t-value", "user-1");
        var token = new AccToken("eyJ-access-token", DateTimeOffset.UnixEpoch.AddHours(1), DateTimeOffset.UnixEpoch.AddMinutes(50));

        var printed = new[] { connection.ToString(), $"{connection}", new { connection }.ToString()!, token.ToString(), $"{token}" };

        Assert.All(printed, text => Assert.DoesNotContain("s3cr3t-value", text, StringComparison.Ordinal));
        Assert.All(printed, text => Assert.DoesNotContain("eyJ-access-token", text, StringComparison.Ordinal));
        Assert.Contains("my-client", connection.ToString(), StringComparison.Ordinal);
        Assert.Contains("developer.api.autodesk.com", connection.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAllAsync_TraceLoggingThroughRetriesAndRenewals_NeverLogsSecretOrToken()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 31, Projects = 1, ReviewsPerProject = 120 },
                Faults = new FaultSettings { ServerErrorRate = 0.2, ThrottleRetryAfterSeconds = 0 },
            },
            ct);
        await using var host = AccTestHost.Start(emulator, new Dictionary<string, string> { ["MaxRetries"] = "10", ["BaseDelay"] = "00:00:00.005" });
        var projectId = emulator.ProjectIds[0];
        emulator.ThrottleNext(1);

        var tokens = new List<AccToken> { await host.Tokens.GetTokenAsync(host.Connection, ct) };
        await AccReads.RecordsAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, false, null), ct);
        host.Tokens.Invalidate(host.Connection, tokens[0]);
        await AccReads.RecordsAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, true, null), ct);
        tokens.Add(await host.Tokens.GetTokenAsync(host.Connection, ct));

        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{host.Connection.ClientId}:{host.Connection.ClientSecret}"));
        var forbidden = tokens.Select(t => t.AccessToken).Append(host.Connection.ClientSecret).Append(basic).ToList();
        Assert.NotEmpty(host.Logs.Lines);
        Assert.All(host.Logs.Lines, line => Assert.All(forbidden, secret => Assert.DoesNotContain(secret, line, StringComparison.Ordinal)));
    }
}
