using System.Net;
using System.Text.Json;
using OrleansSync.Pipeline;

namespace OrleansSync.Acc;

/// <summary>
/// Parses a list page of either envelope: the Reviews API's (<c>results</c> then <c>pagination</c>, nextUrl
/// absent on the last page) and the Admin API's (<c>pagination</c> first, nextUrl null on the last page).
/// </summary>
internal static class AccPageReader
{
    /// <summary>The page, with <see cref="SourcePage.Calls"/> left at 0 for the caller to fill.</summary>
    public static async Task<SourcePage> ReadAsync(Stream body, Uri pageUrl, CancellationToken cancellationToken)
    {
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("results", out var results)
            || results.ValueKind != JsonValueKind.Array)
        {
            throw new AccApiException(HttpStatusCode.OK, $"GET {pageUrl.AbsolutePath}", null, "The answer is not a list page: it has no results array.");
        }

        // One copy of the results array outlives the pooled document; its records share it, and each record's
        // GetRawText() is still the exact text upstream sent.
        var array = results.Clone();
        var records = new JsonElement[array.GetArrayLength()];
        var i = 0;
        foreach (var record in array.EnumerateArray())
        {
            records[i++] = record;
        }

        if (!root.TryGetProperty("pagination", out var pagination) || pagination.ValueKind != JsonValueKind.Object)
        {
            return new SourcePage(records, 0, null, null, 0);
        }

        return new SourcePage(records, Int(pagination, "offset") ?? 0, Int(pagination, "totalResults"), Next(pagination, pageUrl), 0);
    }

    private static int? Int(JsonElement pagination, string name) =>
        pagination.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;

    // Relative links resolve against the page they came from; the origin check happens before they are called.
    private static Uri? Next(JsonElement pagination, Uri pageUrl) =>
        pagination.TryGetProperty("nextUrl", out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } link
            ? new Uri(pageUrl, link)
            : null;
}
