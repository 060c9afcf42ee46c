using OrleansSync.Pipeline;
using OrleansSync.Sources.Acc;
using OrleansSync.Sources.Acc.Mirror;
using static OrleansSync.Tests.Mirror.AccRecords;

namespace OrleansSync.Tests.Mirror;

public sealed class ReviewsNeedingChildrenTests
{
    private const string TaskId = "task-children-1";

    [Fact]
    public async Task ReviewsNeedingChildren_AfterReviewUpdate_ReturnsExactlyTheChangedReviews()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var written = await test.Writer.WriteReviewsAsync(
            ProjectId, [.. Enumerable.Range(1, 4).Select(static n => Review(n, "2024-11-07T10:00:00.000Z").ToElement())], null, TaskId, ct);
        Assert.Equal(4, (await NeedingAsync(test, StreamNames.ReviewVersions, all: false, ct)).Count);
        foreach (var review in written.Changed)
        {
            await test.Writer.ReplaceReviewChildrenAsync(ProjectId, StreamNames.ReviewVersions, review.ReviewId, review.UpdatedAt, [], null, TaskId, ct);
        }

        Assert.Empty(await NeedingAsync(test, StreamNames.ReviewVersions, all: false, ct));
        var update = await test.Writer.WriteReviewsAsync(ProjectId, [Review(3, "2024-11-09T10:00:00.000Z", "CLOSED").ToElement()], null, TaskId, ct);

        var needing = await NeedingAsync(test, StreamNames.ReviewVersions, all: false, ct);

        Assert.Equal(update.Changed, needing);
        Assert.Equal([new ReviewStamp(ReviewId(3), new DateTimeOffset(2024, 11, 9, 10, 0, 0, TimeSpan.Zero))], needing);
        // Progress was never synced: every review needs it; and all = true lists every review regardless.
        Assert.Equal(4, (await NeedingAsync(test, StreamNames.ReviewProgress, all: false, ct)).Count);
        Assert.Equal(4, (await NeedingAsync(test, StreamNames.ReviewVersions, all: true, ct)).Count);
    }

    [Fact]
    public async Task ReviewsNeedingChildren_KeysetPaged_WalksEveryReviewOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        await test.Writer.WriteReviewsAsync(ProjectId, [.. Enumerable.Range(1, 5).Select(static n => Review(n, "2024-11-07T10:00:00.000Z").ToElement())], null, TaskId, ct);
        var seen = new List<string>();
        string? after = null;

        while (await test.Writer.ReviewsNeedingChildrenAsync(ProjectId, StreamNames.ReviewProgress, all: true, after, limit: 2, ct) is { Count: > 0 } page)
        {
            Assert.True(page.Count <= 2);
            seen.AddRange(page.Select(static r => r.ReviewId));
            after = page[^1].ReviewId;
        }

        Assert.Equal(Enumerable.Range(1, 5).Select(ReviewId), seen);
    }

    [Fact]
    public async Task ReviewsNeedingChildren_ReviewWithoutUpdatedAt_NeededUntilSynced()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var undated = Review(1, "2024-11-07T10:00:00.000Z");
        undated["updatedAt"] = null;
        await test.Writer.WriteReviewsAsync(ProjectId, [undated.ToElement()], null, TaskId, ct);

        var needing = Assert.Single(await NeedingAsync(test, StreamNames.ReviewProgress, all: false, ct));
        Assert.Equal(new ReviewStamp(ReviewId(1), ReviewStamp.NoUpdatedAt), needing);
        var result = await test.Writer.ReplaceReviewChildrenAsync(
            ProjectId, StreamNames.ReviewProgress, needing.ReviewId, needing.UpdatedAt, [ProgressStep("Prüfung", "CLAIMED", null).ToElement()], null, TaskId, ct);

        Assert.Equal(new PageWriteResult(1, 0, 0, 0), result);
        Assert.Empty(await NeedingAsync(test, StreamNames.ReviewProgress, all: false, ct));
        Assert.True(await test.Database.ScalarAsync<bool>("SELECT review_updated_at IS NULL FROM acc.review_progress", ct));
    }

    private static Task<IReadOnlyList<ReviewStamp>> NeedingAsync(MirrorTest test, string stream, bool all, CancellationToken ct) =>
        test.Writer.ReviewsNeedingChildrenAsync(ProjectId, stream, all, afterReviewId: null, limit: 100, ct);
}
