using Microsoft.Net.Http.Headers;
using OrleansSync.Emulator.Auth;
using OrleansSync.Emulator.Faults;
using OrleansSync.Emulator.Json;
using OrleansSync.Emulator.RateLimiting;

namespace OrleansSync.Emulator.Hosting;

/// <summary>
/// What stands in front of ACC's handlers, in the order a gateway applies it: network latency, an outage, the
/// bearer token, the per-client quota, injected faults, then the scope and <c>x-user-id</c> rules of the API itself.
/// Hostile rules come last: they spoil an answer the API gave.
/// </summary>
internal sealed class UpstreamMiddleware(
    RequestDelegate next,
    TokenStore tokens,
    RateLimiter limiter,
    FaultState faults,
    HostileAnswers hostile,
    TimeProvider time)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<ApiSurfaceMetadata>()?.Surface is not { } surface)
        {
            await next(http);
            return;
        }

        try
        {
            var rejection = await GuardAsync(http, surface);
            if (rejection is not null)
            {
                await rejection.ExecuteAsync(http);
                return;
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        if (http.GetEndpoint()?.Metadata.GetMetadata<HostileTargetMetadata>() is { Target: var target }
            && http.GetRouteValue("reviewId") as string is var reviewId
            && hostile.AnyFor(target, reviewId, HostileRule.QueryOf(http.Request)))
        {
            await hostile.InvokeAsync(http, next, target, reviewId);
            return;
        }

        await next(http);
    }

    private async Task<IResult?> GuardAsync(HttpContext http, ApiSurface surface)
    {
        var latency = faults.NextLatency();
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, time, http.RequestAborted);
        }

        // A service that is down answers before anything is authenticated or counted against a quota.
        if (faults.TakeOutage() is { } outage)
        {
            return ApiErrors.Outage(outage);
        }

        if (surface == ApiSurface.Token)
        {
            // The token endpoint's quota counts the client the request claims to be.
            var form = await ClientCredentials.ReadFormAsync(http.Request, http.RequestAborted);
            var claimed = ClientCredentials.From(http.Request, form)?.ClientId ?? string.Empty;
            return limiter.TryAdmit(claimed, surface, out var wait) ? null : ApiErrors.QuotaExceeded(wait);
        }

        if (Authenticate(http.Request, out var token) is { } unauthorized)
        {
            return unauthorized;
        }

        if (!limiter.TryAdmit(token.ClientId, surface, out var retryAfter))
        {
            return ApiErrors.QuotaExceeded(retryAfter);
        }

        if (faults.TryTakeThrottle(out var throttleSeconds))
        {
            return ApiErrors.QuotaExceeded(http, throttleSeconds, faults.Settings.ThrottleRetryAfterForm);
        }

        if (faults.NextServerError() is { } status)
        {
            return status == StatusCodes.Status503ServiceUnavailable
                ? ApiErrors.Error(status, "ERR_SERVICE_UNAVAILABLE", "The service is temporarily unavailable. Try again later.")
                : ApiErrors.Error(status, "ERR_INTERNAL_SERVER_ERROR", "An unexpected error occurred on the server.");
        }

        var scope = surface == ApiSurface.Reviews ? "data:read" : "account:read";
        if (!token.Scopes.Contains(scope))
        {
            return ApiErrors.Error(
                StatusCodes.Status403Forbidden,
                "AUTH-010",
                $"Token does not have the privilege for this request (needs scope {scope}).");
        }

        // ACC answers a missing required header as a bad request; every token here is 2-legged.
        if (surface == ApiSurface.Reviews && string.IsNullOrWhiteSpace(http.Request.Headers["x-user-id"]))
        {
            return ApiErrors.BadRequest("The x-user-id header is required when using a 2-legged token.");
        }

        return null;
    }

    private JsonBody? Authenticate(HttpRequest request, out IssuedToken token)
    {
        token = null!;
        var header = request.Headers[HeaderNames.Authorization].ToString();
        if (header.Length == 0)
        {
            return Unauthorized("AUTH-001", "The token is not provided in the request.");
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Unauthorized("AUTH-004", "The Authorization header is not a Bearer token.");
        }

        switch (tokens.Check(header[7..].Trim(), out var found))
        {
            case TokenStatus.Valid:
                token = found!;
                return null;
            case TokenStatus.Expired:
                return Unauthorized("AUTH-006", "The token has expired.");
            default:
                return Unauthorized("AUTH-006", "The token is invalid.");
        }
    }

    private static JsonBody Unauthorized(string code, string message) =>
        ApiErrors.Error(StatusCodes.Status401Unauthorized, code, message);
}
