using System.Text.Json;
using OrleansSync.Emulator.Json;

namespace OrleansSync.Emulator.Paging;

/// <summary>The two list envelopes: the Reviews API's and the Admin API's.</summary>
internal static class PagedResponse
{
    /// <summary>
    /// <c>{"results":[...],"pagination":{"limit","offset","totalResults","nextUrl"}}</c>; nextUrl is absent on the
    /// last page.
    /// </summary>
    public static JsonBody Reviews<T>(HttpRequest request, PageRequest page, IReadOnlyList<T> items, Action<Utf8JsonWriter, T> writeItem)
    {
        var total = items.Count;
        var start = Math.Min(page.Offset, total);
        var end = (int)Math.Min((long)start + page.Limit, total);
        return JsonBody.Write(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("results");
            w.WriteStartArray();
            for (var i = start; i < end; i++)
            {
                writeItem(w, items[i]);
            }

            w.WriteEndArray();
            w.WritePropertyName("pagination");
            w.WriteStartObject();
            w.WriteNumber("limit", page.Limit);
            w.WriteNumber("offset", page.Offset);
            w.WriteNumber("totalResults", total);
            if (end < total)
            {
                w.WriteString("nextUrl", PageLinks.Build(request, page.Limit, end));
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// <c>{"pagination":{"limit","offset","totalResults","nextUrl","previousUrl"},"results":[...]}</c>: pagination
    /// first, and both links always present, null when there is no such page.
    /// </summary>
    public static JsonBody Admin<T>(HttpRequest request, PageRequest page, IReadOnlyList<T> items, Action<Utf8JsonWriter, T> writeItem)
    {
        var total = items.Count;
        var start = Math.Min(page.Offset, total);
        var end = (int)Math.Min((long)start + page.Limit, total);
        return JsonBody.Write(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("pagination");
            w.WriteStartObject();
            w.WriteNumber("limit", page.Limit);
            w.WriteNumber("offset", page.Offset);
            w.WriteNumber("totalResults", total);
            RecordWriter.WriteNullableString(w, "nextUrl", end < total ? PageLinks.Build(request, page.Limit, end) : null);
            RecordWriter.WriteNullableString(
                w,
                "previousUrl",
                page.Offset > 0 ? PageLinks.Build(request, page.Limit, Math.Max(0, Math.Min(page.Offset, total) - page.Limit)) : null);
            w.WriteEndObject();
            w.WritePropertyName("results");
            w.WriteStartArray();
            for (var i = start; i < end; i++)
            {
                writeItem(w, items[i]);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
