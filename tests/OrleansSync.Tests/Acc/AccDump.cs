using System.Text.Json;
using OrleansSync.Emulator;

namespace OrleansSync.Tests.Acc;

/// <summary>The emulator's <c>/__dump</c>: every record as the API returns it, to compare reads with.</summary>
internal sealed class AccDump
{
    private readonly JsonElement _root;

    private AccDump(string json) => _root = JsonDocument.Parse(json).RootElement;

    public static async Task<AccDump> LoadAsync(AccEmulator emulator, CancellationToken cancellationToken) =>
        new(await emulator.DumpAsync(cancellationToken));

    public IEnumerable<JsonElement> Workflows(string projectId) => Project(projectId).GetProperty("workflows").EnumerateArray();

    public IEnumerable<JsonElement> Reviews(string projectId) => ReviewEntries(projectId).Select(e => e.GetProperty("record"));

    public IEnumerable<JsonElement> Versions(string projectId, string reviewId) => ReviewEntry(projectId, reviewId).GetProperty("versions").EnumerateArray();

    public IEnumerable<JsonElement> Progress(string projectId, string reviewId) => ReviewEntry(projectId, reviewId).GetProperty("progress").EnumerateArray();

    public IEnumerable<JsonElement> Projects() => _root.GetProperty("projects").EnumerateArray().Select(p => p.GetProperty("project"));

    private IEnumerable<JsonElement> ReviewEntries(string projectId) => Project(projectId).GetProperty("reviews").EnumerateArray();

    private JsonElement ReviewEntry(string projectId, string reviewId) =>
        ReviewEntries(projectId).Single(e => e.GetProperty("id").GetString() == reviewId);

    private JsonElement Project(string projectId) =>
        _root.GetProperty("projects").EnumerateArray().Single(p => p.GetProperty("id").GetString() == projectId);
}
