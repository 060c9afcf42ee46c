using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansSync.Emulator.Json;
using OrleansSync.Emulator.Paging;

namespace OrleansSync.Emulator.Faults;

/// <summary>
/// Spoils a normal list page in place: its links, its totalResults, or one field of its first record. Identity
/// fields (<c>id</c>, <c>urn</c>, <c>stepId</c>) are never touched, so the record stays recognisable.
/// </summary>
internal static class HostilePage
{
    /// <summary>Where <see cref="HostileKind.NextUrlForeign"/> sends the client: same scheme, port and path, another host.</summary>
    public const string ForeignHost = "127.0.0.2";

    private const string ForeignHostFallback = "127.0.0.3";

    /// <summary>What <see cref="HostileKind.NumberOutOfRange"/> puts in a record: numeric (so jsonb) holds at most 131,072 digits before the point.</summary>
    public const string OutOfRangeNumber = "1e200000";

    /// <summary>The JSON of a normal answer, or null when it is not a JSON object.</summary>
    public static JsonObject? Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="kind"/> can spoil this answer; the answer-replacing kinds always can.</summary>
    public static bool CanApply(HostileKind kind, HostileTarget target, JsonObject? page)
    {
        var pagination = page?["pagination"] as JsonObject;
        return kind switch
        {
            HostileKind.NextUrlCycle => pagination is not null,
            HostileKind.NextUrlForeign => pagination?["nextUrl"] is JsonValue next && next.GetValueKind() == JsonValueKind.String,
            HostileKind.ResultsNull => page?["results"] is JsonArray,
            HostileKind.RepeatRecord => HasNext(pagination) && page?["results"] is JsonArray { Count: >= 2 },
            HostileKind.NextUrlDropsFilters => HasNext(pagination) && new Uri(pagination!["nextUrl"]!.GetValue<string>()).Query.Split('&').Length > 2,
            HostileKind.NextUrlChangesLimit => HasNext(pagination) && pagination!["limit"]!.GetValue<int>() >= 2,
            HostileKind.DriftAfterPage or HostileKind.ShiftAfterPage => pagination?["nextUrl"] is JsonValue link && link.GetValueKind() == JsonValueKind.String
                && FirstRecord(page)?["id"] is JsonValue id && id.GetValueKind() == JsonValueKind.String,
            HostileKind.TotalResultsLie => pagination?["totalResults"] is JsonValue total && total.TryGetValue<int>(out var count) && count > 1,
            HostileKind.NumberOutOfRange => FirstRecord(page)?["steps"] is JsonArray { Count: > 0 } steps && steps[0] is JsonObject,
            HostileKind.NulInRecord or HostileKind.WrongType =>
                FirstRecord(page) is { } record && record[FieldOf(kind, target)] is JsonValue field && field.GetValueKind() == JsonValueKind.String,
            _ => true,
        };
    }

    /// <summary>Applies a page-spoiling kind (one <see cref="CanApply"/> accepted) and returns the new body.</summary>
    public static ReadOnlyMemory<byte> Apply(HostileKind kind, HostileTarget target, JsonObject page, HttpRequest request)
    {
        var pagination = (JsonObject)page["pagination"]!;
        switch (kind)
        {
            case HostileKind.NextUrlCycle:
                pagination["nextUrl"] = PageLinks.Build(request, pagination["limit"]!.GetValue<int>(), offset: 0);
                break;
            case HostileKind.NextUrlForeign:
                pagination["nextUrl"] = Foreign(pagination["nextUrl"]!.GetValue<string>());
                break;
            case HostileKind.TotalResultsLie:
                pagination["totalResults"] = 1;
                break;
            case HostileKind.ResultsNull:
                page["results"] = null;
                break;
            case HostileKind.RepeatRecord:
                var count = ((JsonArray)page["results"]!).Count;
                pagination["nextUrl"] = PageLinks.Build(request, pagination["limit"]!.GetValue<int>(), pagination["offset"]!.GetValue<int>() + count - 1);
                break;
            case HostileKind.NextUrlDropsFilters:
                var link = new Uri(pagination["nextUrl"]!.GetValue<string>());
                var paging = link.Query.TrimStart('?').Split('&').Where(static p => p.StartsWith("limit=", StringComparison.Ordinal) || p.StartsWith("offset=", StringComparison.Ordinal));
                pagination["nextUrl"] = $"{link.GetLeftPart(UriPartial.Path)}?{string.Join('&', paging)}";
                break;
            case HostileKind.NextUrlChangesLimit:
                var half = pagination["limit"]!.GetValue<int>() / 2;
                var next = pagination["offset"]!.GetValue<int>() + ((JsonArray)page["results"]!).Count;
                pagination["nextUrl"] = PageLinks.Build(request, half, next);
                break;
            case HostileKind.NulInRecord:
                var record = FirstRecord(page)!;
                var field = FieldOf(kind, target);
                var text = record[field]!.GetValue<string>();
                record[field] = text.Insert(text.Length / 2, "\0");
                break;
            case HostileKind.WrongType:
                WrongType(FirstRecord(page)!, target);
                break;
            case HostileKind.NumberOutOfRange:
                // A JsonValue made from a parsed element writes its text as it was: no double could hold this one.
                using (var huge = JsonDocument.Parse(OutOfRangeNumber))
                {
                    ((JsonObject)((JsonArray)FirstRecord(page)!["steps"]!)[0]!)["duration"] = JsonValue.Create(huge.RootElement.Clone());
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a page-spoiling kind");
        }

        return JsonBody.WriteBytes(w => page.WriteTo(w));
    }

    private static bool HasNext(JsonObject? pagination) =>
        pagination?["nextUrl"] is JsonValue next && next.GetValueKind() == JsonValueKind.String;

    /// <summary>The id of the page's first record (one <see cref="CanApply"/> accepted for <see cref="HostileKind.DriftAfterPage"/>).</summary>
    public static string FirstId(JsonObject page) => FirstRecord(page)!["id"]!.GetValue<string>();

    private static JsonObject? FirstRecord(JsonObject? page) =>
        page?["results"] is JsonArray { Count: > 0 } results ? results[0] as JsonObject : null;

    private static string FieldOf(HostileKind kind, HostileTarget target) => (kind, target) switch
    {
        (HostileKind.WrongType, HostileTarget.Reviews) => "status",
        (_, HostileTarget.Progress) => "stepName",
        _ => "name",
    };

    private static void WrongType(JsonObject record, HostileTarget target)
    {
        var field = FieldOf(HostileKind.WrongType, target);
        var text = record[field]!.GetValue<string>();
        record[field] = target switch
        {
            HostileTarget.Workflows => new JsonObject { ["value"] = text },
            HostileTarget.Progress => new JsonArray(text),
            _ => text.Length,
        };
    }

    /// <summary>Swaps the host only; the path and query stay byte for byte as the emulator wrote them.</summary>
    private static string Foreign(string nextUrl)
    {
        var url = new Uri(nextUrl);
        var host = url.Host == ForeignHost ? ForeignHostFallback : ForeignHost;
        return $"{url.Scheme}://{host}:{url.Port}{nextUrl[url.GetLeftPart(UriPartial.Authority).Length..]}";
    }
}
