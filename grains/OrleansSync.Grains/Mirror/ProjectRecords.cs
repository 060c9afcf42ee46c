using System.Text.Json;

namespace OrleansSync.Mirror;

/// <summary>A row of <c>acc.projects</c>.</summary>
internal sealed record class ProjectRow(string ProjectId, string? Name, string? Status, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt, string Raw);

/// <summary>Validates and maps admin API project records (<c>GET .../accounts/{accountId}/projects</c>).</summary>
internal static class ProjectRecords
{
    public static MappedPage<ProjectRow> Map(IReadOnlyList<JsonElement> records) =>
        PageMapper.Map(records, string.Empty, static (f, _, raw) =>
        {
            var id = f.Identity("id");
            var row = new ProjectRow(
                id is null ? string.Empty : ProjectIds.Normalize(id),
                f.String("name"),
                f.String("status"),
                f.Timestamp("createdAt"),
                f.Timestamp("updatedAt"),
                raw);
            return (id is null ? null : row.ProjectId, row.UpdatedAt, row);
        });
}
