using System.Text.Json.Nodes;
using System.Text.Json;
using OrleansSync.Pipeline;
using OrleansSync.Sources.Acc;
using static OrleansSync.Tests.Mirror.AccRecords;

namespace OrleansSync.Tests.Mirror;

/// <summary>Stored children are deleted only by a whole, well-formed list that no longer holds them.</summary>
public sealed class ReviewChildrenKeptTests
{
    private const string TaskId = "task-versions-kept";

    private static readonly DateTimeOffset Monday = new(2024, 11, 11, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReplaceVersions_OneChildMalformed_StoredChildrenKeptAndReviewStillNeedsChildren()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        await test.Writer.WriteReviewsAsync(ProjectId, [Review(1, "2024-11-12T09:00:00.000Z").ToElement()], null, TaskId, ct);
        var a = Version("LineageA", 1, null);
        var b = Version("LineageB", 1, null);
        await ReviewChildrenTests.ReplaceVersionsAsync(test, Monday, [a.ToElement(), b.ToElement()], ct);
        var bMalformed = Version("LineageB", 1, null);
        bMalformed["name"] = 3;
        var aApproved = Version("LineageA", 1, "Approved");

        var result = await ReviewChildrenTests.ReplaceVersionsAsync(test, Monday.AddDays(1), [aApproved.ToElement(), bMalformed.ToElement()], ct);

        Assert.Equal(new PageWriteResult(0, 1, 0, 1), result);
        var stored = await test.Database.ListAsync(
            "SELECT urn, raw::text FROM acc.review_versions ORDER BY urn", static r => (r.GetString(0), r.GetString(1)), ct);
        Assert.Equal(2, stored.Count);
        Assert.True(await test.RawEqualsAsync("acc.review_versions", "urn", UrnOf(aApproved), aApproved.ToElement().GetRawText(), ct));
        Assert.True(await test.RawEqualsAsync("acc.review_versions", "urn", UrnOf(b), b.ToElement().GetRawText(), ct));
        // Not marked synced: the next run, incremental too, reads the list again.
        Assert.True(await test.Database.ScalarAsync<bool>("SELECT versions_synced_for IS NULL FROM acc.reviews", ct));
        var needing = await test.Writer.ReviewsNeedingChildrenAsync(ProjectId, StreamNames.ReviewVersions, fullRunId: null, null, 10, ct);
        Assert.Equal(ReviewId(1), Assert.Single(needing).ReviewId);
    }

    [Fact]
    public async Task ReplaceVersions_WholeListAfterAMalformedOne_DeletesWhatItLacksAndResolvesTheChildsDeadLetter()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var a = Version("LineageA", 1, null);
        var b = Version("LineageB", 1, null);
        await ReviewChildrenTests.ReplaceVersionsAsync(test, Monday, [a.ToElement(), b.ToElement()], ct);
        var bMalformed = Version("LineageB", 1, null);
        bMalformed["name"] = 3;
        await ReviewChildrenTests.ReplaceVersionsAsync(test, Monday.AddDays(1), [a.ToElement(), bMalformed.ToElement()], ct);

        var result = await ReviewChildrenTests.ReplaceVersionsAsync(test, Monday.AddDays(1), [a.ToElement()], ct);

        Assert.Equal(new PageWriteResult(0, 0, 1, 0), result);
        Assert.Equal(UrnOf(a), Assert.Single(await test.Database.ListAsync("SELECT urn FROM acc.review_versions", static r => r.GetString(0), ct)));
        Assert.Equal(0, await test.Database.ScalarAsync<long>("SELECT count(*) FROM sync.dead_letters WHERE resolved_at IS NULL", ct));
        Assert.Equal(1, await test.Database.ScalarAsync<long>("SELECT count(*) FROM sync.dead_letters WHERE resolved_at IS NOT NULL", ct));
    }

    [Fact]
    public async Task DeadLetterReviewChildren_AfterChildrenLanded_StoredChildrenKeptAndReviewNeedsChildrenAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        await test.Writer.WriteReviewsAsync(ProjectId, [Review(1, "2024-11-12T09:00:00.000Z").ToElement()], null, TaskId, ct);
        JsonElement[] set = [Version("LineageA", 1, null).ToElement(), Version("LineageB", 1, null).ToElement()];
        await ReviewChildrenTests.ReplaceVersionsAsync(test, Monday, set, ct);

        var result = await test.Writer.DeadLetterReviewChildrenAsync(
            ProjectId, StreamNames.ReviewVersions, ReviewId(1), "GET /versions", "answered 404 NotFound", null, TaskId, ct);

        Assert.Equal(new PageWriteResult(0, 0, 0, 1), result);
        Assert.Equal(2, await test.CountAsync("acc.review_versions", ct));
        var needing = await test.Writer.ReviewsNeedingChildrenAsync(ProjectId, StreamNames.ReviewVersions, fullRunId: null, null, 10, ct);
        Assert.Equal(ReviewId(1), Assert.Single(needing).ReviewId);
    }

    private static string UrnOf(JsonObject version) => (string)version["urn"]!;
}
