using OrleansSync.Emulator.Hosting;

namespace OrleansSync.Emulator.Stats;

/// <summary>
/// Counts every upstream call once it is answered, rejected ones included. Runs after routing, so the count is
/// keyed by the route template rather than by the concrete URL.
/// </summary>
internal sealed class StatsMiddleware(RequestDelegate next, StatsRecorder stats)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var endpoint = http.GetEndpoint();
        var key = endpoint switch
        {
            RouteEndpoint { RoutePattern.RawText: { } template } when endpoint.Metadata.GetMetadata<ApiSurfaceMetadata>() is not null
                => $"{http.Request.Method} {template}",
            _ when http.Request.Path.Value?.StartsWith("/__", StringComparison.Ordinal) == true => null,
            _ => $"{http.Request.Method} (unmatched)",
        };
        if (key is null)
        {
            await next(http);
            return;
        }

        try
        {
            await next(http);
        }
        finally
        {
            stats.Record(key, http.Response.StatusCode);
        }
    }
}
