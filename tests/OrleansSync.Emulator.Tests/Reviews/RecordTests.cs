using System.Net;
using System.Text.Json;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Reviews;

[Collection(SharedEmulatorCollection.Name)]
public sealed class RecordTests(SharedEmulatorFixture fixture)
{
    private string ProjectId => fixture.Emulator.ProjectIds[0];

    [Fact]
    public async Task GetReview_WithOrWithoutBPrefix_ReturnsTheDumpRecord()
    {
        var ct = TestContext.Current.CancellationToken;
        var entry = new DumpReader(await fixture.Emulator.DumpAsync(ct)).ReviewEntries(ProjectId).ElementAt(5);
        var reviewId = entry.GetProperty("id").GetString();

        var plain = await fixture.Client.GetAsync($"{UpstreamClient.ReviewsPath(ProjectId)}/{reviewId}", fixture.Token, ct);
        var prefixed = await fixture.Client.GetAsync($"{UpstreamClient.ReviewsPath("b." + ProjectId)}/{reviewId}", fixture.Token, ct);

        Assert.Equal(HttpStatusCode.OK, plain.Status);
        Assert.Equal(entry.GetProperty("record").GetRawText(), plain.Body);
        Assert.Equal(plain.Body, prefixed.Body);
    }

    [Fact]
    public async Task ReviewChildren_ProgressVersionsWorkflow_MatchTheDump()
    {
        var ct = TestContext.Current.CancellationToken;
        var dump = new DumpReader(await fixture.Emulator.DumpAsync(ct));
        var entry = dump.ReviewEntries(ProjectId).First(e => e.GetProperty("record").GetProperty("status").GetString() == "OPEN");
        var basePath = $"{UpstreamClient.ReviewsPath(ProjectId)}/{entry.GetProperty("id").GetString()}";

        var progress = await fixture.Client.GetAsync($"{basePath}/progress", fixture.Token, ct);
        var versions = await fixture.Client.GetAsync($"{basePath}/versions", fixture.Token, ct);
        var workflow = await fixture.Client.GetAsync($"{basePath}/workflow", fixture.Token, ct);

        Assert.Equal(entry.GetProperty("progress").GetRawText(), progress.Results.GetRawText());
        Assert.Equal(entry.GetProperty("versions").GetRawText(), versions.Results.GetRawText());
        var workflowId = entry.GetProperty("record").GetProperty("workflowId").GetString();
        Assert.Equal(dump.Workflows(ProjectId).Single(w => w.GetProperty("id").GetString() == workflowId).GetRawText(), workflow.Body);
        var steps = progress.Results.EnumerateArray().ToList();
        Assert.All(steps, s => Assert.False(s.TryGetProperty("id", out _)));
        Assert.Contains(steps[0].GetProperty("status").GetString(), new[] { "CLAIMED", "UNCLAIMED" });
        Assert.Equal(entry.GetProperty("record").GetProperty("currentStepId").GetString(), steps[0].GetProperty("stepId").GetString());
    }

    [Fact]
    public async Task ListReviews_Records_HaveAccShapeAndHardText()
    {
        var reviews = await fixture.Client.GetAllAsync(UpstreamClient.ReviewsPath(ProjectId), fixture.Token, TestContext.Current.CancellationToken);

        string[] fields =
        [
            "id", "sequenceId", "name", "status", "currentStepId", "currentStepDueDate", "createdBy", "createdAt", "updatedAt",
            "finishedAt", "archived", "archivedBy", "archivedAt", "approvedBy", "approvedAt", "workflowId", "nextActionBy",
        ];
        Assert.All(reviews, r => Assert.Equal(fields, r.EnumerateObject().Select(p => p.Name)));
        Assert.All(reviews, r => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", r.GetProperty("updatedAt").GetString()));
        Assert.Contains(reviews, r => r.GetProperty("approvedBy").ValueKind == JsonValueKind.Object && !r.GetProperty("approvedBy").EnumerateObject().Any());
        Assert.Contains(reviews, r => r.GetProperty("finishedAt").ValueKind == JsonValueKind.Null);
        Assert.Contains(reviews, r => r.GetProperty("name").GetString()!.Any(c => c > 127));
        Assert.Contains(reviews, r => r.GetProperty("name").GetString()!.Contains('"', StringComparison.Ordinal)
            || r.GetProperty("name").GetString()!.Contains('\\', StringComparison.Ordinal)
            || r.GetProperty("name").GetString()!.Contains('\n', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/construction/reviews/v1/projects/00000000-0000-0000-0000-000000000000/reviews")]
    [InlineData("/construction/reviews/v1/projects/{project}/reviews/00000000-0000-0000-0000-000000000000")]
    [InlineData("/construction/reviews/v1/projects/{project}/workflows/00000000-0000-0000-0000-000000000000")]
    public async Task Get_UnknownProjectOrRecord_Returns404Json(string path)
    {
        var response = await fixture.Client.GetAsync(path.Replace("{project}", ProjectId, StringComparison.Ordinal), fixture.Token, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.False(string.IsNullOrEmpty(response.Json.GetProperty("developerMessage").GetString()));
    }
}
