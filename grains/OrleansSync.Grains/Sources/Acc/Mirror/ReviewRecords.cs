using System.Text.Json;
using OrleansSync.Mirror;

namespace OrleansSync.Sources.Acc.Mirror;

/// <summary>A row of <c>acc.reviews</c>.</summary>
internal sealed record class ReviewRow(
    string ReviewId,
    long? SequenceId,
    string? Name,
    string? Status,
    string? WorkflowId,
    string? CurrentStepId,
    DateTimeOffset? CurrentStepDueDate,
    bool Archived,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    DateTimeOffset? FinishedAt,
    string Raw);

/// <summary>Validates and maps review records (<c>GET .../reviews</c>).</summary>
internal static class ReviewRecords
{
    public static MappedPage<ReviewRow> Map(IReadOnlyList<JsonElement> records) =>
        PageMapper.Map(records, string.Empty, static (f, _, raw) =>
        {
            var row = new ReviewRow(
                f.Identity("id")!,
                f.Int64("sequenceId"),
                f.String("name"),
                f.String("status"),
                f.String("workflowId"),
                f.String("currentStepId"),
                f.Timestamp("currentStepDueDate"),
                // ACC always sends archived; a record without it is taken as not archived, as the list's default filter does.
                f.Boolean("archived") ?? false,
                f.Timestamp("createdAt"),
                f.Timestamp("updatedAt"),
                f.Timestamp("finishedAt"),
                raw);
            return (row.ReviewId, row.UpdatedAt, row);
        });
}
