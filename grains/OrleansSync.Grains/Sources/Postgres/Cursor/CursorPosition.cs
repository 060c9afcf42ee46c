using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansSync.Sources.Postgres.Cursor;

/// <summary>
/// Where a table's cursor read is, in <c>sync.checkpoints.cursor</c>: the column it reads by and the last row landed,
/// (cursor, primary key's other columns) each as text. It outlives its run: the next run reads the rows after it.
/// </summary>
internal sealed record class CursorPosition(
    [property: JsonPropertyName("column")] string? Column,
    [property: JsonPropertyName("after")] IReadOnlyList<string>? After)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The position in a stored cursor; one of another mode has no column, and so is no position of any cursor.</summary>
    public static CursorPosition? FromJson(string json) => JsonSerializer.Deserialize<CursorPosition>(json);
}
