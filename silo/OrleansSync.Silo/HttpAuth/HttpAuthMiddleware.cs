using System.Text.Json;

namespace OrleansSync.Silo.HttpAuth;

/// <summary>
/// Every path but the health checks needs the credential: the dashboard (its page and its API calls under
/// <c>/dashboard</c>), <c>/metrics</c>, and whatever is mapped later, so nothing new is open by accident.
/// <c>/health/live</c>, <c>/health/ready</c> and <c>/health</c> stay open for load balancers and orchestrators, which
/// probe without credentials; they answer statuses, check names and exception type names only, never a message or a
/// setting. A refusal is a 401 with a Basic challenge (so a browser asks for the user and password) and a JSON problem.
/// Nothing here logs or echoes the Authorization header.
/// </summary>
internal sealed class HttpAuthMiddleware(RequestDelegate next, HttpCredential credential, string user)
{
    private static readonly string[] OpenPaths = ["/health", "/health/live", "/health/ready"];

    public Task InvokeAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization;
        // The API's changes need the Bearer form (the dashboard keeps Basic for all it does).
        var mutation = context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            && !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method));
        return IsOpen(context.Request.Path) || (authorization.Count == 1 && credential.Accepts(authorization[0], bearerOnly: mutation))
            ? next(context)
            : ChallengeAsync(context, mutation);
    }

    private static bool IsOpen(PathString path)
    {
        var value = path.Value?.TrimEnd('/') ?? "";
        return OpenPaths.Any(open => string.Equals(open, value, StringComparison.OrdinalIgnoreCase));
    }

    private Task ChallengeAsync(HttpContext context, bool mutation)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"OrleansSync\", charset=\"UTF-8\"";
        context.Response.ContentType = "application/problem+json";
        var problem = new
        {
            type = "https://www.rfc-editor.org/rfc/rfc9110#status.401",
            title = "Unauthorized",
            status = StatusCodes.Status401Unauthorized,
            detail = $"This endpoint needs the silo's HTTP credential (OrleansSync:Http:AuthSecretVariable): send 'Authorization: Bearer <credential>', " +
                $"or HTTP Basic with user '{user}' and the credential as the password. Only /health, /health/live and /health/ready are open." +
                (mutation ? " An API request that changes something (POST, PUT, DELETE) needs the Bearer form: a browser's saved Basic login is not enough." : ""),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(problem), context.RequestAborted);
    }
}
