using System.Globalization;
using System.Net;
using System.Text.Json;
using OrleansSync.Emulator.Mutations;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Mutations;

public sealed class MutationTests
{
    [Fact]
    public async Task Mutate_OverHttp_ChangedReviewsAreNewerAndFoundByUpdatedAtFilter()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var before = new DumpReader(await emulator.DumpAsync(ct));
        var highWater = emulator.ProjectIds
            .SelectMany(before.Reviews)
            .Select(r => r.GetProperty("updatedAt").GetString()!)
            .Max(StringComparer.Ordinal)!;

        var response = await client.PostAsync("/__mutate?n=40", ct);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(40, response.Json.GetProperty("applied").GetInt32());
        var changes = response.Json.GetProperty("changes").EnumerateArray().ToList();
        var stamps = changes.Select(c => c.GetProperty("updatedAt").GetString()!).ToList();
        Assert.True(string.CompareOrdinal(stamps[0], highWater) > 0);
        Assert.All(stamps.Zip(stamps.Skip(1)), pair => Assert.True(string.CompareOrdinal(pair.First, pair.Second) < 0));
        Assert.Equal(MutationKinds.All.Order(), response.Json.GetProperty("byKind").EnumerateObject().Select(p => p.Name).Order());

        // An incremental sync: everything updated after the old high-water mark, active and archived.
        var reviewChanges = changes.Where(c => c.GetProperty("kind").GetString() != MutationKinds.WorkflowToggled).ToList();
        var after = new DumpReader(await emulator.DumpAsync(ct));
        foreach (var projectId in emulator.ProjectIds)
        {
            var filter = $"?filter[updatedAt]={highWater}..";
            var fetched = (await client.GetAllAsync(UpstreamClient.ReviewsPath(projectId) + filter, token, ct))
                .Concat(await client.GetAllAsync(UpstreamClient.ReviewsPath(projectId) + filter + "&filter[archived]=true", token, ct))
                .Select(r => r.GetProperty("id").GetString())
                .ToHashSet();
            var expected = reviewChanges
                .Where(c => c.GetProperty("projectId").GetString() == projectId)
                .Select(c => c.GetProperty("id").GetString())
                .ToHashSet();

            // The range is inclusive, so the review at the old mark itself comes back too.
            Assert.Equal(expected.Order(), fetched.Where(id => string.CompareOrdinal(UpdatedAt(after, projectId, id!), highWater) > 0).Order());
        }
    }

    [Fact]
    public async Task Mutate_WorkflowAndChildChanges_BumpTheirOwnersUpdatedAt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);

        var result = emulator.Mutate(200);

        var dump = new DumpReader(await emulator.DumpAsync(ct));
        Assert.Equal(200, result.Applied);
        Assert.NotEmpty(result.ByKind[MutationKinds.ProgressAdded]);
        Assert.NotEmpty(result.ByKind[MutationKinds.VersionsReplaced]);
        Assert.NotEmpty(result.ByKind[MutationKinds.ReviewCreated]);
        Assert.NotEmpty(result.ByKind[MutationKinds.ReviewArchived]);
        foreach (var change in result.Changes.GroupBy(c => c.Id).Select(g => g.Last()))
        {
            var record = change.Kind == MutationKinds.WorkflowToggled
                ? dump.Workflows(change.ProjectId).Single(w => w.GetProperty("id").GetString() == change.Id)
                : dump.Reviews(change.ProjectId).Single(r => r.GetProperty("id").GetString() == change.Id);
            Assert.Equal(change.UpdatedAt, record.GetProperty("updatedAt").GetString());
        }

        Assert.Equal(result.Clock, result.Changes[^1].UpdatedAt);
        Assert.Equal(result.Clock, dump.Root.GetProperty("clock").GetString());
    }

    [Fact]
    public async Task Mutate_InvalidCount_Returns400()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);

        var response = await client.PostAsync("/__mutate?n=0", ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
    }

    private static string UpdatedAt(DumpReader dump, string projectId, string reviewId)
    {
        var record = dump.Reviews(projectId).Single(r => r.GetProperty("id").GetString() == reviewId);
        return record.GetProperty("updatedAt").ValueKind == JsonValueKind.String
            ? record.GetProperty("updatedAt").GetString()!
            : DateTimeOffset.FromUnixTimeMilliseconds(record.GetProperty("updatedAt").GetInt64()).ToString("O", CultureInfo.InvariantCulture);
    }
}
