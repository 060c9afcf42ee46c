using System.Globalization;
using System.Text.Json;
using OrleansSync.Mirror;

namespace OrleansSync.Sources.Acc.Mirror;

/// <summary>A row of <c>acc.review_versions</c>, keyed within its review by urn.</summary>
internal sealed record class VersionRow(string Urn, string? ItemUrn, string? Name, string? ApproveStatus, string Raw)
{
    public string Key => Urn;
}

/// <summary>A row of <c>acc.review_progress</c>, keyed within its review by position (0 = newest, as received).</summary>
internal sealed record class ProgressRow(int Position, string? StepId, string? StepName, string? Status, DateTimeOffset? EndTime, string Raw)
{
    public string Key => Position.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Validates and maps the children of one review (<c>.../reviews/{id}/versions</c> and <c>/progress</c>).</summary>
internal static class ReviewChildRecords
{
    public static MappedPage<VersionRow> MapVersions(string reviewId, IReadOnlyList<JsonElement> records) =>
        PageMapper.Map<VersionRow>(records, DeadLetterTable.ChildKey(reviewId, string.Empty), static (f, _, raw) =>
        {
            var row = new VersionRow(
                f.Identity("urn")!,
                f.String("itemUrn"),
                f.String("name"),
                // value (APPROVED, REJECTED, ...) is what reports group by; the label is free text.
                f.Object("approveStatus")?.String("value"),
                raw);
            return (row.Urn, null, row);
        });

    public static MappedPage<ProgressRow> MapProgress(string reviewId, IReadOnlyList<JsonElement> records) =>
        PageMapper.Map<ProgressRow>(records, DeadLetterTable.ChildKey(reviewId, string.Empty), static (f, position, raw) =>
        {
            var row = new ProgressRow(
                position,
                f.String("stepId"),
                f.String("stepName"),
                f.String("status"),
                f.Timestamp("endTime"),
                raw);
            return (row.Key, null, row);
        });
}
