using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace OrleansSync.Silo.Health;

public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    /// <summary>
    /// <c>/health/live</c>: the process answers. <c>/health/ready</c> and <c>/health</c>: PostgreSQL is reachable and
    /// this silo is Active. Both answer JSON so scripts can read the failing check.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = static _ => false, ResponseWriter = HealthResponse.WriteAsync });
        var ready = new HealthCheckOptions { Predicate = static c => c.Tags.Contains(ReadyTag), ResponseWriter = HealthResponse.WriteAsync };
        endpoints.MapHealthChecks("/health/ready", ready);
        endpoints.MapHealthChecks("/health", ready);
        return endpoints;
    }
}
