using System.Net;
using Microsoft.AspNetCore.Http;
using OrleansSync.Sources.Acc.Client;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Acc;

/// <summary>One classification of failures, <see cref="AccException.IsTransient"/>, checked against real answers.</summary>
[Collection(RunsAloneCollection.Name)]
public sealed class AccClassificationTests
{
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["MaxRetries"] = "1",
        ["MalformedRetries"] = "1",
        ["AttemptTimeout"] = "00:00:00.300",
        ["BodyTimeout"] = "00:00:00.500",
    };

    [Theory]
    [InlineData("401 after the token was renewed", typeof(AccApiException), false)]
    [InlineData("403", typeof(AccApiException), false)]
    [InlineData("404", typeof(AccApiException), false)]
    [InlineData("token endpoint 401", typeof(AccAuthenticationException), false)]
    [InlineData("nextUrl on another origin", typeof(AccUntrustedUrlException), false)]
    [InlineData("nextUrl back to the same page", typeof(AccPaginationException), false)]
    [InlineData("malformed body", typeof(AccMalformedResponseException), true)]
    [InlineData("429", typeof(AccApiException), true)]
    [InlineData("500", typeof(AccApiException), true)]
    [InlineData("no answer", typeof(AccApiException), true)]
    public async Task IsTransient_EachKindOfFailure_MatchesTheTable(string failure, Type expected, bool transient)
    {
        var ct = TestContext.Current.CancellationToken;
        HostileUpstream? server = null;
        RequestDelegate pages = failure switch
        {
            "401 after the token was renewed" => static c => Error(c, 401),
            "403" => static c => Error(c, 403),
            "404" => static c => Error(c, 404),
            "nextUrl on another origin" => static c => HostileUpstream.WritePageAsync(c, 0, 4, new Uri($"http://elsewhere.invalid{HostileUpstream.ReviewsPath}?offset=2")),
            "nextUrl back to the same page" => c => HostileUpstream.WritePageAsync(c, 0, 4, server!.ReviewsUrl),
            "malformed body" => static c => c.Response.WriteAsync("<html>Bad gateway</html>", c.RequestAborted),
            "429" => static c =>
            {
                c.Response.Headers.RetryAfter = "0";
                return Error(c, 429);
            },
            "500" => static c => Error(c, 500),
            "no answer" => c => server!.StallAsync(c),
            _ => static c => HostileUpstream.WritePageAsync(c, 0, 2, null),
        };
        RequestDelegate? token = failure == "token endpoint 401"
            ? static c => HostileUpstream.WriteJsonAsync(c, """{"error":"invalid_client","error_description":"The client is unknown."}""", 401)
            : null;
        await using var upstream = server = await HostileUpstream.StartAsync(pages, token, ct);
        await using var host = AccTestHost.Start(upstream.Connection, Settings);

        var error = await Assert.ThrowsAsync(expected, () => AccReads.PagesAsync(host, upstream.ReviewsUrl, ct));

        var acc = Assert.IsAssignableFrom<AccException>(error);
        Assert.Equal(transient, acc.IsTransient);
        Assert.Equal(failure == "429", AccException.IsThrottle(acc));
        Assert.Equal(failure == "429", acc is AccApiException { IsThrottled: true });
    }

    [Fact]
    public async Task GetPageAsync_401AfterRenewedToken_ThrowsPermanent401AfterOneRenewal()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await HostileUpstream.StartAsync(static c => Error(c, 401), null, ct);
        await using var host = AccTestHost.Start(upstream.Connection, Settings);

        var error = await Assert.ThrowsAsync<AccApiException>(() => host.Client.GetPageAsync(host.Connection, upstream.ReviewsUrl, ct));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("not-this-one", error.ErrorCode);
        Assert.False(error.IsTransient);
        Assert.Equal(2, upstream.Count(HostileUpstream.ReviewsEndpoint));
        Assert.Equal(2, upstream.Count(HostileUpstream.TokenEndpoint));
    }

    [Fact]
    public async Task GetPageAsync_ThrottledBeyondRetries_ThrowsThrottledTransient()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await HostileUpstream.StartAsync(
            static c =>
            {
                c.Response.Headers.RetryAfter = "0";
                return Error(c, 429);
            },
            null,
            ct);
        await using var host = AccTestHost.Start(upstream.Connection, Settings);

        var error = await Assert.ThrowsAsync<AccApiException>(() => host.Client.GetPageAsync(host.Connection, upstream.ReviewsUrl, ct));

        Assert.True(error.IsThrottled);
        Assert.True(error.IsTransient);
        Assert.Equal(2, upstream.Count(HostileUpstream.ReviewsEndpoint));
    }

    private static Task Error(HttpContext context, int status) =>
        HostileUpstream.WriteJsonAsync(context, """{"developerMessage":"No.","errorCode":"not-this-one"}""", status);
}
