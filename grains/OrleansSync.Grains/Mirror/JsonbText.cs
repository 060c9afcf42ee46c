using System.Text.Json;
using OrleansSync.Pipeline;

namespace OrleansSync.Mirror;

/// <summary>
/// JSON allows <c>\u0000</c> and unpaired surrogates in strings; PostgreSQL's jsonb refuses both, and one such
/// record would fail its whole page. Finding them first turns them into dead letters instead.
/// </summary>
internal static class JsonbText
{
    public const string Problem = "record: holds \\u0000 or an unpaired surrogate, which PostgreSQL jsonb cannot store";

    public static bool Fits(JsonElement record, string raw)
    {
        // Both can only arrive escaped, so records without escapes need no walk.
        if (!raw.Contains("\\u", StringComparison.Ordinal))
        {
            return true;
        }

        try
        {
            return Walk(record);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to unescape some invalid UTF-16 itself.
            return false;
        }
    }

    private static bool Walk(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().All(static p => StorableText.IsStorable(p.Name) && Walk(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().All(Walk),
        JsonValueKind.String => StorableText.IsStorable(element.GetString()!),
        _ => true,
    };
}
