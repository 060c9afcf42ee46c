namespace OrleansSync.Sources.Acc.Client;

/// <summary>Paths of the ACC APIs and the rules about which URLs the connector may call.</summary>
internal static class AccEndpoints
{
    public const string TokenPath = "authentication/v2/token";
    public const string ReviewsApi = "construction/reviews/v1";
    public const string AdminApi = "construction/admin/v1";

    /// <summary><paramref name="relative"/> under the base URL, keeping any path prefix the base URL has.</summary>
    public static Uri Resolve(Uri baseUrl, string relative)
    {
        var root = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl.AbsoluteUri : baseUrl.AbsoluteUri + "/";
        return new Uri(root + relative, UriKind.Absolute);
    }

    /// <summary>
    /// Same scheme, host and port as the connection: the only place the bearer token may go. A nextUrl comes from
    /// the upstream's body, so it is checked like any input.
    /// </summary>
    public static bool IsSameOrigin(Uri url, Uri baseUrl) =>
        url.IsAbsoluteUri
        && string.Equals(url.Scheme, baseUrl.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(url.IdnHost, baseUrl.IdnHost, StringComparison.OrdinalIgnoreCase)
        && url.Port == baseUrl.Port;

    /// <summary>Reviews API calls need <c>x-user-id</c> with a 2-legged token.</summary>
    public static bool IsReviewsApi(Uri url) => url.AbsolutePath.Contains("/" + ReviewsApi + "/", StringComparison.OrdinalIgnoreCase);

    /// <summary>ACC accepts project ids with or without <c>b.</c>; we always send them without, as the mirrors store them.</summary>
    public static string ProjectSegment(string projectId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projectId);
        var bare = projectId.StartsWith("b.", StringComparison.OrdinalIgnoreCase) ? projectId[2..] : projectId;
        ArgumentException.ThrowIfNullOrWhiteSpace(bare, nameof(projectId));
        return Uri.EscapeDataString(bare);
    }

    /// <summary>Method and path for logs and errors: a query may hold anything, so it is left out.</summary>
    public static string Describe(HttpRequestMessage request) =>
        $"{request.Method} {request.RequestUri?.AbsolutePath ?? "(no url)"}";

    /// <inheritdoc cref="Describe(HttpRequestMessage)"/>
    public static string Describe(HttpMethod method, Uri url) => $"{method} {url.AbsolutePath}";
}
