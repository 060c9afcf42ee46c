using OrleansSync.Emulator.Data;
using OrleansSync.Emulator.Faults;
using OrleansSync.Emulator.Json;

namespace OrleansSync.Emulator.Dump;

/// <summary><c>GET /__dump[?projectId=...]</c>: the dataset for tests; no auth, not counted, no faults.</summary>
internal static class DumpEndpoint
{
    public static void MapDump(this IEndpointRouteBuilder app)
    {
        app.MapGet("/__dump", async (HttpContext http, string? projectId, Dataset data, MalformedPolicy malformed) =>
        {
            ProjectState? only = null;
            if (projectId is not null && (only = data.FindProject(projectId)) is null)
            {
                await ApiErrors.NotFound($"Project '{projectId}' does not exist.").ExecuteAsync(http);
                return;
            }

            http.Response.ContentType = "application/json; charset=utf-8";
            await DumpWriter.WriteAsync(http.Response.Body, data, malformed, only, http.RequestAborted);
        });
    }
}
