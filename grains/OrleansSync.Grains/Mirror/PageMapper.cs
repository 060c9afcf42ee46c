using System.Text.Json;

namespace OrleansSync.Mirror;

/// <summary>Maps one record's fields to a row; errors go to <paramref name="fields"/>, not exceptions.</summary>
/// <param name="fields">The record's fields.</param>
/// <param name="position">The record's index in its page, as received.</param>
/// <param name="raw">The record's text as received.</param>
/// <returns>The identity (null when missing), the upstream updatedAt that orders copies, and the row.</returns>
internal delegate (string? Key, DateTimeOffset? UpdatedAt, TRow Row) RecordMap<TRow>(FieldReader fields, int position, string raw);

/// <summary>Splits a page into valid rows and dead letters, the checks every stream shares done here once.</summary>
internal static class PageMapper
{
    /// <param name="records">The page as received.</param>
    /// <param name="keyPrefix">Prepended to a dead letter's record key, e.g. the parent review of a child.</param>
    /// <param name="map">The stream's mapping.</param>
    public static MappedPage<TRow> Map<TRow>(IReadOnlyList<JsonElement> records, string keyPrefix, RecordMap<TRow> map)
    {
        ArgumentNullException.ThrowIfNull(records);
        var page = new MappedPage<TRow>();
        for (var position = 0; position < records.Count; position++)
        {
            var record = records[position];
            var raw = record.ValueKind == JsonValueKind.Undefined ? string.Empty : record.GetRawText();
            if (record.ValueKind != JsonValueKind.Object)
            {
                page.Reject(null, raw, $"record: expected a JSON object, got {FieldReader.Describe(record.ValueKind)}");
                continue;
            }

            var fields = new FieldReader(record);
            var (key, updatedAt, row) = map(fields, position, raw);
            var recordKey = key is null ? null : keyPrefix + key;
            if (fields.Error is { } error)
            {
                page.Reject(recordKey, raw, error);
            }
            else if (!JsonbText.Fits(record, raw))
            {
                page.Reject(recordKey, raw, JsonbText.Problem);
            }
            else
            {
                page.Add(key!, updatedAt, row);
            }
        }

        return page;
    }
}
