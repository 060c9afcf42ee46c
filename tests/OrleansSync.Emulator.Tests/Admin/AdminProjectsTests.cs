using System.Net;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Admin;

[Collection(SharedEmulatorCollection.Name)]
public sealed class AdminProjectsTests(SharedEmulatorFixture fixture)
{
    private string ProjectsPath => $"/construction/admin/v1/accounts/{fixture.Emulator.AccountId}/projects";

    [Fact]
    public async Task ListProjects_Default_PaginationFirstWithLinks()
    {
        var response = await fixture.Client.GetAsync(ProjectsPath, fixture.Token, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["pagination", "results"], response.Json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["limit", "offset", "totalResults", "nextUrl", "previousUrl"],
            response.Pagination.EnumerateObject().Select(p => p.Name));
        Assert.Equal(20, response.Pagination.GetProperty("limit").GetInt32());
        Assert.Equal(fixture.Emulator.ProjectIds, response.Results.EnumerateArray().Select(p => p.GetProperty("id").GetString()!));
        Assert.All(response.Results.EnumerateArray(), p => Assert.Equal(fixture.Emulator.AccountId, p.GetProperty("accountId").GetString()));
    }

    [Fact]
    public async Task ListProjects_LimitAbove200_IsClamped()
    {
        var response = await fixture.Client.GetAsync($"{ProjectsPath}?limit=5000", fixture.Token, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(200, response.Pagination.GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task ListProjects_SecondPage_HasPreviousUrlAndNoNextUrl()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await fixture.Client.GetAsync($"{ProjectsPath}?limit=1", fixture.Token, ct);
        var second = await fixture.Client.GetAsync(first.NextUrl!, fixture.Token, ct);

        Assert.Equal(System.Text.Json.JsonValueKind.Null, first.Pagination.GetProperty("previousUrl").ValueKind);
        Assert.StartsWith("http://", first.NextUrl, StringComparison.Ordinal);
        Assert.Equal(fixture.Emulator.ProjectIds[1], second.Results[0].GetProperty("id").GetString());
        Assert.Null(second.NextUrl);
        Assert.Contains("offset=0", second.Pagination.GetProperty("previousUrl").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListProjects_UnknownAccount_Returns404()
    {
        var response = await fixture.Client.GetAsync(
            "/construction/admin/v1/accounts/00000000-0000-0000-0000-000000000000/projects",
            fixture.Token,
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }
}
