using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Http;
using OrleansSync.Sources.Acc.Client;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Acc;

/// <summary>Bodies that stall, end early, are too large or are not a list page: each call ends, bounded, and says why.</summary>
[Collection(RunsAloneCollection.Name)]
public sealed class AccMalformedResponseTests
{
    private const int MalformedRetries = 2;
    private static readonly TimeSpan BodyTimeout = TimeSpan.FromMilliseconds(500);

    // Every attempt may take the body timeout; ten times that is the most any of these calls may take.
    private static readonly TimeSpan Bound = 10 * (MalformedRetries + 1) * BodyTimeout;

    [Fact]
    public async Task GetPageAsync_BodyStallsAfterPart_RetriesThenThrowsMalformedWithinBound()
    {
        var ct = TestContext.Current.CancellationToken;
        HostileUpstream? server = null;
        await using var upstream = server = await HostileUpstream.StartAsync(
            async context =>
            {
                await WritePartAsync(context, announced: 1000, sent: 300);
                await server!.StallAsync(context);
            },
            null,
            ct);
        await using var host = AccTestHost.Start(upstream.Connection, HostileUpstream.ShortBounds);

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<AccMalformedResponseException>(() => host.Client.GetPageAsync(host.Connection, upstream.ReviewsUrl, ct));
        var elapsed = clock.Elapsed;

        Assert.InRange(elapsed, (MalformedRetries + 1) * BodyTimeout * 0.9, Bound);
        Assert.Matches(@"^the body stalled after 300 bytes for \d+(\.\d)? s$", error.Reason);
        Assert.Equal(HostileUpstream.ReviewsEndpoint, error.Endpoint);
        Assert.Equal(MalformedRetries + 1, error.Attempts);
        Assert.Contains(error.Reason, error.Message, StringComparison.Ordinal);
        Assert.True(error.IsTransient);
        Assert.Equal(MalformedRetries + 1, upstream.Count(HostileUpstream.ReviewsEndpoint));
        Assert.Equal(MalformedRetries, host.Logs.Lines.Count(line => line.Contains("[4104]", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task GetPageAsync_ConnectionDroppedHalfwayThroughBody_ThrowsMalformedNamingBytesOfAnnounced()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await HostileUpstream.StartAsync(
            // Returning short of the Content-Length makes Kestrel close the connection once the part is sent.
            static context => WritePartAsync(context, announced: 2000, sent: 1000),
            null,
            ct);
        await using var host = AccTestHost.Start(upstream.Connection, HostileUpstream.ShortBounds);

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<AccMalformedResponseException>(() => host.Client.GetPageAsync(host.Connection, upstream.ReviewsUrl, ct));

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Bound);
        Assert.Matches(@"^the body was cut short after (\d|,)+ of 2,000 bytes$", error.Reason);
        Assert.True(error.IsTransient);
        Assert.Equal(MalformedRetries + 1, upstream.Count(HostileUpstream.ReviewsEndpoint));
    }

    [Fact]
    public async Task GetPageAsync_HtmlPageWithStatus200_ThrowsMalformedNamingTheMediaType()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await HostileUpstream.StartAsync(
            static async context =>
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync("<html><body>Service temporarily unavailable</body></html>", context.RequestAborted);
            },
            null,
            ct);
        await using var host = AccTestHost.Start(upstream.Connection, HostileUpstream.ShortBounds);

        var error = await Assert.ThrowsAsync<AccMalformedResponseException>(() => host.Client.GetPageAsync(host.Connection, upstream.ReviewsUrl, ct));

        Assert.Equal("the body is text/html, not JSON", error.Reason);
        Assert.Equal($"ACC {HostileUpstream.ReviewsEndpoint} answered a malformed response 3 times; the last time the body is text/html, not JSON.", error.Message);
        Assert.Equal(MalformedRetries + 1, upstream.Count(HostileUpstream.ReviewsEndpoint));
    }

    [Theory]
    [InlineData(true, "the body is larger than 16 MiB (41,943,040 bytes announced)")]
    [InlineData(false, "the body is larger than 16 MiB")]
    public async Task GetPageAsync_FortyMegabyteBody_ThrowsMalformedTooLarge(bool announced, string reason)
    {
        var ct = TestContext.Current.CancellationToken;
        const int size = 40 * 1024 * 1024;
        await using var upstream = await HostileUpstream.StartAsync(
            async context =>
            {
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = announced ? size : null;
                var chunk = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
                for (var sent = 0; sent < size && !context.RequestAborted.IsCancellationRequested; sent += chunk.Length)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            },
            null,
            ct);
        // Only the size cap may stop this body: the body's time bound is far beyond what reading 16 MiB over loopback
        // takes, even on a busy machine (a 0.5 s bound was sometimes met first).
        await using var host = AccTestHost.Start(upstream.Connection, new Dictionary<string, string>(HostileUpstream.ShortBounds) { ["BodyTimeout"] = "00:00:20" });

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<AccMalformedResponseException>(() => host.Client.GetPageAsync(host.Connection, upstream.ReviewsUrl, ct));

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(60));
        Assert.Equal(reason, error.Reason);
        Assert.Equal(MalformedRetries + 1, upstream.Count(HostileUpstream.ReviewsEndpoint));
    }

    [Theory]
    [InlineData("""{"data":[]}""", "the body is not a list page: it has no results array")]
    [InlineData("""[{"id":"r0"}]""", "the body is not a list page: it has no results array")]
    [InlineData("""{"results":[{"id":"r0"}],"pagination":{"offset":0,"nextUrl":"http://[::1"}}""", "the page's nextUrl is not a URL")]
    public async Task GetPageAsync_JsonOfAnotherShape_ThrowsMalformed(string json, string reason)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await HostileUpstream.StartAsync(context => HostileUpstream.WriteJsonAsync(context, json), null, ct);
        await using var host = AccTestHost.Start(upstream.Connection, HostileUpstream.ShortBounds);

        var error = await Assert.ThrowsAsync<AccMalformedResponseException>(() => host.Client.GetPageAsync(host.Connection, upstream.ReviewsUrl, ct));

        Assert.Equal(reason, error.Reason);
        Assert.Equal(MalformedRetries + 1, upstream.Count(HostileUpstream.ReviewsEndpoint));
    }

    [Fact]
    public async Task GetPageAsync_TruncatedJson_ThrowsMalformedNotJson()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await HostileUpstream.StartAsync(static context => HostileUpstream.WriteJsonAsync(context, """{"results":[{"id":"""), null, ct);
        await using var host = AccTestHost.Start(upstream.Connection, HostileUpstream.ShortBounds);

        var error = await Assert.ThrowsAsync<AccMalformedResponseException>(() => host.Client.GetPageAsync(host.Connection, upstream.ReviewsUrl, ct));

        Assert.StartsWith("the body is not JSON (", error.Reason, StringComparison.Ordinal);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(error.InnerException);
    }

    [Fact]
    public async Task GetPageAsync_MalformedOnceThenWhole_ReturnsThePageCountingEveryAttempt()
    {
        var ct = TestContext.Current.CancellationToken;
        var answers = 0;
        HostileUpstream? server = null;
        await using var upstream = server = await HostileUpstream.StartAsync(
            async context =>
            {
                if (Interlocked.Increment(ref answers) == 1)
                {
                    await WritePartAsync(context, announced: 500, sent: 100);
                    return;
                }

                await HostileUpstream.WritePageAsync(context, 0, 2, null);
            },
            null,
            ct);
        await using var host = AccTestHost.Start(upstream.Connection, HostileUpstream.ShortBounds);

        var page = await host.Client.GetPageAsync(host.Connection, upstream.ReviewsUrl, ct);

        Assert.Equal(["r0", "r1"], page.Records.Select(AccReads.Id));
        Assert.Equal(2, upstream.Count(HostileUpstream.ReviewsEndpoint));
        Assert.Equal(1, upstream.Count(HostileUpstream.TokenEndpoint));
        Assert.Equal(3, page.Calls);
    }

    [Fact]
    public async Task GetPageAsync_MalformedRetriesZero_ThrowsAfterOneAttempt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await HostileUpstream.StartAsync(static context => HostileUpstream.WriteJsonAsync(context, "{}"), null, ct);
        await using var host = AccTestHost.Start(upstream.Connection, new Dictionary<string, string>(HostileUpstream.ShortBounds) { ["MalformedRetries"] = "0" });

        var error = await Assert.ThrowsAsync<AccMalformedResponseException>(() => host.Client.GetPageAsync(host.Connection, upstream.ReviewsUrl, ct));

        Assert.Equal(1, error.Attempts);
        Assert.Equal(1, upstream.Count(HostileUpstream.ReviewsEndpoint));
    }

    [Fact]
    public async Task GetPageAsync_ErrorBodyStalls_ThrowsTheStatusWithinBound()
    {
        var ct = TestContext.Current.CancellationToken;
        HostileUpstream? server = null;
        await using var upstream = server = await HostileUpstream.StartAsync(
            async context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await WritePartAsync(context, announced: 200, sent: 20);
                await server!.StallAsync(context);
            },
            null,
            ct);
        await using var host = AccTestHost.Start(upstream.Connection, HostileUpstream.ShortBounds);

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<AccApiException>(() => host.Client.GetPageAsync(host.Connection, upstream.ReviewsUrl, ct));

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Bound);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Null(error.DeveloperMessage);
        Assert.Equal(1, upstream.Count(HostileUpstream.ReviewsEndpoint));
    }

    /// <summary>Headers with a Content-Length of <paramref name="announced"/>, then only <paramref name="sent"/> bytes of JSON-looking text.</summary>
    private static async Task WritePartAsync(HttpContext context, int announced, int sent)
    {
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = announced;
        var part = Encoding.ASCII.GetBytes("{\"results\":[" + new string(' ', sent - 12));
        await context.Response.Body.WriteAsync(part, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
