using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansSync.Sources.Postgres.Cdc;

/// <summary>
/// Where a captured table is, in <c>sync.checkpoints.cursor</c>: in its initial snapshot (the last key landed, and the
/// slot's consistent point it is consistent with) or streaming (the end of the last source transaction the mirror has
/// applied whole). Kept across runs: the slot outlives them.
/// </summary>
internal sealed record class CdcCursor(
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("lsn")] string Lsn,
    [property: JsonPropertyName("after")] IReadOnlyList<string>? After = null)
{
    public const string Snapshotting = "snapshot";
    public const string Streaming = "stream";

    [JsonIgnore]
    public bool IsStreaming => Phase == Streaming;

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The cursor, or null when the checkpoint is not a change capture's (a snapshot project's, or none).</summary>
    public static CdcCursor? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<CdcCursor>(json) is { Phase: Snapshotting or Streaming, Lsn.Length: > 0 } cursor ? cursor : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
