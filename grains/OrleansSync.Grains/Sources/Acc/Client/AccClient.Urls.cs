using System.Globalization;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>First-page URLs of the lists the connector reads. Later pages come from upstream's nextUrl.</summary>
public sealed partial class AccClient
{
    /// <summary>Workflows of one status; ACC lists ACTIVE ones only unless asked, so a full read takes both.</summary>
    public Uri WorkflowsUrl(AccConnection connection, string projectId, string status)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var known = status?.ToUpperInvariant() switch
        {
            "ACTIVE" => "ACTIVE",
            "INACTIVE" => "INACTIVE",
            _ => throw new ArgumentException($"Workflow status must be ACTIVE or INACTIVE, not '{status}'.", nameof(status)),
        };

        // No sort: the default (creation order) is stable while workflows change; sorting by updatedAt is not.
        return ReviewsApiUrl(connection, projectId, $"workflows?filter[status]={known}&limit={PageSize}");
    }

    /// <summary>
    /// Reviews, archived or not (ACC hides archived ones unless asked), optionally only those updated at or after
    /// <paramref name="updatedSince"/> (and before <paramref name="updatedBefore"/>, exclusive); in sequenceId order,
    /// which mutations never reorder.
    /// </summary>
    public Uri ReviewsUrl(AccConnection connection, string projectId, bool archived, DateTimeOffset? updatedSince, DateTimeOffset? updatedBefore = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var query = $"reviews?filter[archived]={(archived ? "true" : "false")}";
        if (updatedSince is { } since)
        {
            // Milliseconds truncate, so the range starts at or before the mark: an overlap, never a gap.
            var start = since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            query += $"&filter[updatedAt]={Uri.EscapeDataString(start)}..";
        }

        if (updatedBefore is { } before)
        {
            if (updatedSince is null)
            {
                query += "&filter[updatedAt]=..";
            }

            // ACC's end is inclusive and its times are whole milliseconds: the last millisecond before the bound.
            var end = before.UtcDateTime.AddMilliseconds(-1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            query += Uri.EscapeDataString(end);
        }

        return ReviewsApiUrl(connection, projectId, $"{query}&sort=sequenceId&limit={PageSize}");
    }

    /// <summary>File versions of a review's latest round.</summary>
    public Uri ReviewVersionsUrl(AccConnection connection, string projectId, string reviewId) =>
        ReviewsApiUrl(connection, projectId, $"reviews/{Segment(reviewId)}/versions?limit={PageSize}");

    /// <summary>Progress steps of a review, newest first.</summary>
    public Uri ReviewProgressUrl(AccConnection connection, string projectId, string reviewId) =>
        ReviewsApiUrl(connection, projectId, $"reviews/{Segment(reviewId)}/progress?limit={PageSize}");

    /// <summary>Projects of an account (Admin API), up to 200 a page.</summary>
    public Uri ProjectsUrl(AccConnection connection, string accountId)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var limit = options.CurrentValue.AdminPageSize.ToString(CultureInfo.InvariantCulture);
        return AccEndpoints.Resolve(connection.BaseUrl, $"{AccEndpoints.AdminApi}/accounts/{Segment(accountId)}/projects?limit={limit}");
    }

    private string PageSize => options.CurrentValue.PageSize.ToString(CultureInfo.InvariantCulture);

    private static Uri ReviewsApiUrl(AccConnection connection, string projectId, string rest)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return AccEndpoints.Resolve(connection.BaseUrl, $"{AccEndpoints.ReviewsApi}/projects/{AccEndpoints.ProjectSegment(projectId)}/{rest}");
    }

    private static string Segment(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return Uri.EscapeDataString(id);
    }
}
