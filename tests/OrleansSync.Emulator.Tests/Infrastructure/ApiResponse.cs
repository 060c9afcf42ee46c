using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace OrleansSync.Emulator.Tests.Infrastructure;

/// <summary>A response read in full: status, headers, raw body and its JSON.</summary>
internal sealed record ApiResponse(HttpStatusCode Status, HttpResponseHeaders Headers, string Body)
{
    public JsonElement Json { get; } = Body.Length == 0 ? default : JsonDocument.Parse(Body).RootElement;

    public JsonElement Results => Json.GetProperty("results");

    public JsonElement Pagination => Json.GetProperty("pagination");

    public string? NextUrl => Pagination.TryGetProperty("nextUrl", out var next) && next.ValueKind == JsonValueKind.String
        ? next.GetString()
        : null;
}
