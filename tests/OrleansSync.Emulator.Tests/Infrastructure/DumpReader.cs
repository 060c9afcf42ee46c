using System.Text.Json;

namespace OrleansSync.Emulator.Tests.Infrastructure;

/// <summary>Reads <c>/__dump</c>: the expected state a mirror must equal.</summary>
internal sealed class DumpReader(string json)
{
    public JsonElement Root { get; } = JsonDocument.Parse(json).RootElement;

    public JsonElement Project(string projectId) =>
        Root.GetProperty("projects").EnumerateArray().Single(p => p.GetProperty("id").GetString() == projectId);

    public IEnumerable<JsonElement> ReviewEntries(string projectId) =>
        Project(projectId).GetProperty("reviews").EnumerateArray();

    public IEnumerable<JsonElement> Reviews(string projectId) =>
        ReviewEntries(projectId).Select(e => e.GetProperty("record"));

    public IEnumerable<JsonElement> Workflows(string projectId) =>
        Project(projectId).GetProperty("workflows").EnumerateArray();
}
