using OrleansSync.Sources.Acc.Client;


namespace OrleansSync.Tests.Acc;

/// <summary>Latency labels come from path templates: a fixed few names, never an id.</summary>
public sealed class AccEndpointNamesTests
{
    [Theory]
    [InlineData("https://acc.test/authentication/v2/token", "token")]
    [InlineData("https://acc.test/prefix/authentication/v2/token", "token")]
    [InlineData("https://acc.test/construction/reviews/v1/projects/p-1/workflows?filter[status]=ACTIVE&limit=50", "workflows")]
    [InlineData("https://acc.test/construction/reviews/v1/projects/p-1/workflows/w-9", "workflow")]
    [InlineData("https://acc.test/construction/reviews/v1/projects/p-1/reviews?sort=sequenceId&offset=50", "reviews")]
    [InlineData("https://acc.test/construction/reviews/v1/projects/p-1/reviews/r-7", "review")]
    [InlineData("https://acc.test/sub/path/construction/reviews/v1/projects/p-1/reviews/r-7/versions?limit=50", "review_versions")]
    [InlineData("https://acc.test/construction/reviews/v1/projects/p-1/reviews/r-7/progress/", "review_progress")]
    [InlineData("https://acc.test/construction/admin/v1/accounts/a-3/projects?limit=200", "projects")]
    [InlineData("https://acc.test/construction/reviews/v1/projects/p-1/reviews/r-7/comments", "other")]
    [InlineData("https://acc.test/construction/admin/v1/projects/p-1", "other")]
    [InlineData("https://acc.test/", "other")]
    public void Of_PathTemplate_NameWithoutIds(string url, string expected) =>
        Assert.Equal(expected, AccEndpointNames.Of(new Uri(url)));
}
