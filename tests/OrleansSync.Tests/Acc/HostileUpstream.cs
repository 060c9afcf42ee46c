using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansSync.Sources.Acc.Client;

namespace OrleansSync.Tests.Acc;

/// <summary>
/// A real HTTP server (Kestrel on 127.0.0.1, a free port) that answers the way a broken upstream or proxy does:
/// each test hands it the handler for the ACC paths. The token endpoint answers a good token unless told otherwise.
/// Every request is counted by method and path before its handler runs.
/// </summary>
internal sealed class HostileUpstream : IAsyncDisposable
{
    /// <summary>Connector settings ("OrleansSync:Acc" keys) that give up on a hostile answer within seconds: 0.5 s per body, two malformed retries, one retry by status.</summary>
    public static readonly IReadOnlyDictionary<string, string> ShortBounds = new Dictionary<string, string>
    {
        ["BodyTimeout"] = "00:00:00.500",
        ["MalformedRetries"] = "2",
        ["MaxRetries"] = "1",
        ["AttemptTimeout"] = "00:00:02",
    };

    public const string TokenEndpoint = "POST /authentication/v2/token";
    public const string ReviewsPath = "/construction/reviews/v1/projects/p1/reviews";
    public const string ReviewsEndpoint = "GET " + ReviewsPath;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _tokens;

    private HostileUpstream(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The client id and secret are anything: this server never checks them.</summary>
    public AccConnection Connection => new(BaseUrl, "hostile-client", "hostile-secret", AccTestHost.UserId);

    /// <summary>The first page of the reviews list.</summary>
    public Uri ReviewsUrl => new(BaseUrl, ReviewsPath + "?limit=2");

    public static async Task<HostileUpstream> StartAsync(RequestDelegate pages, RequestDelegate? token, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(static kestrel => kestrel.Listen(IPAddress.Loopback, 0));

        // Stalled handlers end when the server stops; they must not hold the shutdown for the default 30 s.
        builder.Services.Configure<HostOptions>(static host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var upstream = new HostileUpstream(app);
        app.Use(async (context, next) =>
        {
            upstream._counts.AddOrUpdate($"{context.Request.Method} {context.Request.Path}", 1, static (_, n) => n + 1);
            await next(context);
        });
        app.MapPost("/authentication/v2/token", token ?? upstream.GoodTokenAsync);
        app.MapGet("/construction/{**rest}", pages);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        upstream.BaseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        return upstream;
    }

    /// <summary>Requests seen for "METHOD /path" (no query).</summary>
    public int Count(string endpoint) => _counts.TryGetValue(endpoint, out var n) ? n : 0;

    /// <summary>Holds the answer until the client gives up (or the server stops): a body or a header that never comes.</summary>
    public async Task StallAsync(HttpContext context)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            await Task.Delay(Timeout.Infinite, either.Token);
        }
        catch (OperationCanceledException)
        {
            // The client hung up, or the test is over.
        }
    }

    /// <summary>A good token answer, each with a new access token.</summary>
    public Task GoodTokenAsync(HttpContext context) =>
        WriteJsonAsync(context, $$"""{"access_token":"token-{{Interlocked.Increment(ref _tokens)}}","token_type":"Bearer","expires_in":3599}""");

    /// <summary>A whole JSON answer with its Content-Length.</summary>
    public static async Task WriteJsonAsync(HttpContext context, string json, int status = StatusCodes.Status200OK)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    /// <summary>A list page in the Reviews API's envelope; <paramref name="next"/> is its nextUrl (absolute), or none.</summary>
    public static Task WritePageAsync(HttpContext context, int offset, int total, Uri? next)
    {
        var link = next is null ? string.Empty : $",\"nextUrl\":\"{next.AbsoluteUri}\"";
        var records = $$"""[{"id":"r{{offset}}"},{"id":"r{{offset + 1}}"}]""";
        var pagination = $$"""{"limit":2,"offset":{{offset}},"totalResults":{{total}}{{link}}}""";
        return WriteJsonAsync(context, $$"""{"results":{{records}},"pagination":{{pagination}}}""");
    }

    /// <summary>The reviews page at <paramref name="offset"/>.</summary>
    public Uri ReviewsPage(int offset) => new(BaseUrl, $"{ReviewsPath}?limit=2&offset={offset}");

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
