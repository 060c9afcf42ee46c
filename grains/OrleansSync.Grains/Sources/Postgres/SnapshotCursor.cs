using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansSync.Sources.Postgres;

/// <summary>Where a table's snapshot is, in <c>sync.checkpoints.cursor</c>: the last key landed (each column as text) and whether it reached the end.</summary>
internal sealed record class SnapshotCursor(
    [property: JsonPropertyName("after")] IReadOnlyList<string>? After,
    [property: JsonPropertyName("done")] bool Done)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    public static SnapshotCursor? FromJson(string json) => JsonSerializer.Deserialize<SnapshotCursor>(json);
}
