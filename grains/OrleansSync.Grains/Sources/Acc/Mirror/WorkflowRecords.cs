using System.Text.Json;
using OrleansSync.Mirror;

namespace OrleansSync.Sources.Acc.Mirror;

/// <summary>A row of <c>acc.workflows</c>.</summary>
internal sealed record class WorkflowRow(string WorkflowId, string? Name, string? Status, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt, string Raw);

/// <summary>Validates and maps workflow records (<c>GET .../workflows</c>).</summary>
internal static class WorkflowRecords
{
    public static MappedPage<WorkflowRow> Map(IReadOnlyList<JsonElement> records) =>
        PageMapper.Map(records, string.Empty, static (f, _, raw) =>
        {
            var row = new WorkflowRow(
                f.Identity("id")!,
                f.String("name"),
                f.String("status"),
                f.Timestamp("createdAt"),
                f.Timestamp("updatedAt"),
                raw);
            return (row.WorkflowId, row.UpdatedAt, row);
        });
}
