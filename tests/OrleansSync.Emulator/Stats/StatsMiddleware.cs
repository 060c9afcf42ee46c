using OrleansSync.Emulator.Hosting;

namespace OrleansSync.Emulator.Stats;

/// <summary>
/// Counts every upstream call as it is answered, rejected ones included. Runs after routing, so the count is
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

        // Counted as the answer starts, before the client can read it (a test that reads the stats once its call returned
        // must find it counted), or at the end for a call that never got one (a connection dropped before headers). Both
        // run in the request's own flow, one after the other, so a plain flag counts it once.
        var counted = false;
        http.Response.OnStarting(() =>
        {
            Count();
            return Task.CompletedTask;
        });
        try
        {
            await next(http);
        }
        finally
        {
            Count();
        }

        void Count()
        {
            if (!counted)
            {
                counted = true;
                stats.Record(key, http.Response.StatusCode);
            }
        }
    }
}
