using System.Text.Json;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// Parses a list page of either envelope: the Reviews API's (<c>results</c> then <c>pagination</c>, nextUrl
/// absent on the last page) and the Admin API's (<c>pagination</c> first, nextUrl null on the last page).
/// </summary>
internal static class AccPageReader
{
    /// <summary>The page, with <see cref="SourcePage.Calls"/> left at 0 for the caller to fill.</summary>
    /// <exception cref="AccBodyException">The body is not JSON, or not a list page.</exception>
    public static SourcePage Read(AccBody body, Uri pageUrl, string endpoint, DateTimeOffset? upstreamDate)
    {
        using var document = body.ParseJson(endpoint);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("results", out var results)
            || results.ValueKind != JsonValueKind.Array)
        {
            throw new AccBodyException(endpoint, "the body is not a list page: it has no results array");
        }

        // One copy of the results array outlives the document (and the pooled body under it); its records share
        // it, and each record's GetRawText() is still the exact text upstream sent.
        var array = results.Clone();
        var records = new JsonElement[array.GetArrayLength()];
        var i = 0;
        foreach (var record in array.EnumerateArray())
        {
            records[i++] = record;
        }

        if (!root.TryGetProperty("pagination", out var pagination) || pagination.ValueKind != JsonValueKind.Object)
        {
            return new SourcePage(records, 0, null, null, 0, upstreamDate);
        }

        var next = Next(pagination, pageUrl, endpoint);
        return new SourcePage(records, Int(pagination, "offset") ?? 0, Int(pagination, "totalResults"), next, 0, upstreamDate);
    }

    private static int? Int(JsonElement pagination, string name) =>
        pagination.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;

    // Relative links resolve against the page they came from; the origin check happens before they are called.
    private static Uri? Next(JsonElement pagination, Uri pageUrl, string endpoint)
    {
        if (!pagination.TryGetProperty("nextUrl", out var value) || value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } link)
        {
            return null;
        }

        return Uri.TryCreate(pageUrl, link, out var next) && next.IsAbsoluteUri
            ? next
            : throw new AccBodyException(endpoint, "the page's nextUrl is not a URL");
    }
}
