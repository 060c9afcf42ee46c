namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// The kind of call a URL makes, from its path template: a metric label, so a fixed few names and never an id.
/// </summary>
public static class AccEndpointNames
{
    /// <summary>Any path the connector does not call on purpose.</summary>
    public const string Other = "other";

    /// <summary>
    /// <c>token</c>, <c>workflows</c>, <c>workflow</c>, <c>reviews</c>, <c>review</c>, <c>review_versions</c>,
    /// <c>review_progress</c>, <c>projects</c>, or <see cref="Other"/>. A path prefix on the base URL is allowed.
    /// </summary>
    public static string Of(Uri? url)
    {
        if (url is null || !url.IsAbsoluteUri)
        {
            return Other;
        }

        var path = url.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/" + AccEndpoints.TokenPath, StringComparison.Ordinal))
        {
            return "token";
        }

        if (After(path, $"/{AccEndpoints.ReviewsApi}/projects/") is { } reviews)
        {
            return reviews.Split('/') switch
            {
                [_, "workflows"] => "workflows",
                [_, "workflows", _] => "workflow",
                [_, "reviews"] => "reviews",
                [_, "reviews", _] => "review",
                [_, "reviews", _, "versions"] => "review_versions",
                [_, "reviews", _, "progress"] => "review_progress",
                _ => Other,
            };
        }

        if (After(path, $"/{AccEndpoints.AdminApi}/accounts/") is { } admin)
        {
            return admin.Split('/') is [_, "projects"] ? "projects" : Other;
        }

        return Other;
    }

    /// <summary>The budget family of a call: <c>token</c>, <c>admin</c> (Admin API) or <c>reviews</c> (everything else: ACC counts all Reviews API endpoints together).</summary>
    public static string FamilyOf(Uri url) => Of(url) switch
    {
        "token" => "token",
        "projects" => "admin",
        _ when url.IsAbsoluteUri && url.AbsolutePath.Contains("/" + AccEndpoints.AdminApi + "/", StringComparison.OrdinalIgnoreCase) => "admin",
        _ => "reviews",
    };

    /// <summary>The project a Reviews API call reads (without <c>b.</c>), or <c>""</c> for calls of no one project.</summary>
    public static string ProjectOf(Uri url)
    {
        if (!url.IsAbsoluteUri || After(url.AbsolutePath, $"/{AccEndpoints.ReviewsApi}/projects/") is not { } rest)
        {
            return "";
        }

        var project = Uri.UnescapeDataString(rest.Split('/')[0]);
        return project.Length == 0 ? "" : ProjectIds.Normalize(project);
    }

    private static string? After(string path, string marker)
    {
        var at = path.IndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? null : path[(at + marker.Length)..];
    }
}
