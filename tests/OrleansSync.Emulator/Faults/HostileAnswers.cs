using System.Text;
using OrleansSync.Emulator.Json;
using OrleansSync.Emulator.Mutations;

namespace OrleansSync.Emulator.Faults;

/// <summary>
/// Serves hostile rules. The normal answer is produced into a buffer first: a rule only takes a call whose normal
/// answer is a 200, and the cut-short kinds send part of that very body.
/// </summary>
internal sealed class HostileAnswers(FaultState faults, TimeProvider time, Mutator mutator)
{
    /// <summary>
    /// Time for the flushed half to leave Kestrel's transport before the abort resets the connection: a flush only
    /// hands the bytes to the socket's send loop, and an immediate abort often beat it, so that the client got a
    /// reset and no response at all instead of a short body.
    /// </summary>
    private static readonly TimeSpan TruncateLinger = TimeSpan.FromMilliseconds(250);

    private static readonly byte[] ProxyErrorPage = ProxyPage("502 Bad Gateway");

    public bool AnyFor(HostileTarget target, string? reviewId, string query) => faults.Hostile.AnyFor(target, reviewId, query);

    public async Task InvokeAsync(HttpContext http, RequestDelegate next, HostileTarget target, string? reviewId)
    {
        var response = http.Response;
        var original = response.Body;
        using var buffer = new MemoryStream();
        response.Body = buffer;
        try
        {
            await next(http);
        }
        finally
        {
            response.Body = original;
        }

        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        var page = response.StatusCode == StatusCodes.Status200OK ? HostilePage.Parse(body.Span) : null;
        var kind = response.StatusCode == StatusCodes.Status200OK
            ? faults.Hostile.TryTake(target, reviewId, HostileRule.QueryOf(http.Request), k => HostilePage.CanApply(k, target, page))
            : null;
        switch (kind)
        {
            case null:
                response.ContentLength = body.Length;
                await response.Body.WriteAsync(body, http.RequestAborted);
                break;
            case HostileKind.Html200:
                response.ContentType = "text/html; charset=utf-8";
                response.ContentLength = ProxyErrorPage.Length;
                await response.Body.WriteAsync(ProxyErrorPage, http.RequestAborted);
                break;
            case HostileKind.DriftAfterPage or HostileKind.ShiftAfterPage:
                // The page goes out as it was; the list changes before the client can ask for the next one.
                mutator.ToggleArchived((string)http.GetRouteValue("projectId")!, HostilePage.FirstId(page!), andCreate: kind == HostileKind.ShiftAfterPage);
                response.ContentLength = body.Length;
                await response.Body.WriteAsync(body, http.RequestAborted);
                break;
            case HostileKind.BadGatewayHtml or HostileKind.GatewayTimeoutHtml:
                var page502 = ProxyPage(kind == HostileKind.BadGatewayHtml ? "502 Bad Gateway" : "504 Gateway Time-out");
                response.StatusCode = kind == HostileKind.BadGatewayHtml ? StatusCodes.Status502BadGateway : StatusCodes.Status504GatewayTimeout;
                response.ContentType = "text/html; charset=utf-8";
                response.ContentLength = page502.Length;
                await response.Body.WriteAsync(page502, http.RequestAborted);
                break;
            case HostileKind.ResetBeforeHeaders:
                http.Abort();
                break;
            case HostileKind.Unavailable:
                await ApiErrors.Error(StatusCodes.Status503ServiceUnavailable, "ERR_SERVICE_UNAVAILABLE", "The service is temporarily unavailable. Try again later.")
                    .ExecuteAsync(http);
                break;
            case HostileKind.NulInError:
                await ApiErrors.Error(StatusCodes.Status500InternalServerError, "ERR_INTERNAL_SERVER_ERROR", "An unexpected error\0 occurred on the server.")
                    .ExecuteAsync(http);
                break;
            case HostileKind.BadRequest400:
                await ApiErrors.BadRequest("The request is not valid for this review.").ExecuteAsync(http);
                break;
            case HostileKind.Forbidden403:
                await ApiErrors.Error(StatusCodes.Status403Forbidden, "ERR_FORBIDDEN", "You do not have permission to read this review.").ExecuteAsync(http);
                break;
            case HostileKind.NotFound404:
                await ApiErrors.NotFound("The review was not found.").ExecuteAsync(http);
                break;
            case HostileKind.ServerError500:
                await ApiErrors.Error(StatusCodes.Status500InternalServerError, "ERR_INTERNAL_SERVER_ERROR", "An unexpected error occurred on the server.")
                    .ExecuteAsync(http);
                break;
            case HostileKind.Truncated:
                await SendHalfAsync(http, body);
                await WaitAsync(TruncateLinger, TimeProvider.System, http.RequestAborted);
                http.Abort();
                break;
            case HostileKind.StallBody:
                await SendHalfAsync(http, body);
                await WaitAsync(TimeSpan.FromSeconds(faults.Settings.StallSeconds), time, http.RequestAborted);
                http.Abort();
                break;
            case { } spoil:
                await new JsonBody(HostilePage.Apply(spoil, target, page!, http.Request), StatusCodes.Status200OK).ExecuteAsync(http);
                break;
        }
    }

    /// <summary>An nginx error page, as proxies in front of APIs send.</summary>
    private static byte[] ProxyPage(string title) => Encoding.UTF8.GetBytes(
        $"""
        <!DOCTYPE html>
        <html>
        <head><title>{title}</title></head>
        <body>
        <center><h1>{title}</h1></center>
        <hr><center>nginx</center>
        </body>
        </html>

        """);

    /// <summary>Announces the whole body, sends its first half and makes sure that half leaves the server.</summary>
    private static async Task SendHalfAsync(HttpContext http, ReadOnlyMemory<byte> body)
    {
        var response = http.Response;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body[..(body.Length / 2)], http.RequestAborted);
        await response.Body.FlushAsync(http.RequestAborted);
    }

    private static async Task WaitAsync(TimeSpan delay, TimeProvider clock, CancellationToken aborted)
    {
        try
        {
            await Task.Delay(delay, clock, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client gave up first: nothing left to hold back.
        }
    }
}
