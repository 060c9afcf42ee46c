using System.Collections.Frozen;
using System.Reflection;

namespace OrleansSync.Silo.StatusPage;

/// <summary>
/// The status page at <c>/</c>: one HTML page, its script and its style, built into the silo, nothing fetched from
/// elsewhere. It reads the API and its event feed with the browser's own login to this silo, and sends changes with
/// the Bearer credential typed into it. The Orleans dashboard stays at <c>/dashboard</c>.
/// </summary>
internal static class StatusPageEndpoints
{
    // Only this silo's own files and API: no inline script, no other origin, no framing by another site.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, (string ContentType, byte[] Content)> Files = new Dictionary<string, (string, byte[])>
    {
        ["/"] = ("text/html; charset=utf-8", Read("index.html")),
        ["/status.js"] = ("text/javascript; charset=utf-8", Read("status.js")),
        ["/status.css"] = ("text/css; charset=utf-8", Read("status.css")),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IEndpointRouteBuilder MapStatusPage(this IEndpointRouteBuilder app)
    {
        foreach (var (path, (contentType, content)) in Files)
        {
            app.MapGet(path, (HttpResponse response) =>
            {
                response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                response.Headers.XContentTypeOptions = "nosniff";
                response.Headers.CacheControl = "no-cache";
                return Results.Bytes(content, contentType);
            }).ExcludeFromDescription();
        }

        return app;
    }

    private static byte[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"OrleansSync.Silo.StatusPage.{name}")
            ?? throw new InvalidOperationException($"The status page's {name} is not built into the silo.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
