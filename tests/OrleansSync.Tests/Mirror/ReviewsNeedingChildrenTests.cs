using System.Globalization;
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
        Assert.Equal(4, (await NeedingAsync(test, StreamNames.ReviewVersions, fullRunId: null, ct)).Count);
        foreach (var review in written.Changed)
        {
            await test.Writer.ReplaceReviewChildrenAsync(ProjectId, StreamNames.ReviewVersions, review.ReviewId, review.UpdatedAt, [], null, TaskId, ct);
        }

        Assert.Empty(await NeedingAsync(test, StreamNames.ReviewVersions, fullRunId: null, ct));
        var update = await test.Writer.WriteReviewsAsync(ProjectId, [Review(3, "2024-11-09T10:00:00.000Z", "CLOSED").ToElement()], null, TaskId, ct);

        var needing = await NeedingAsync(test, StreamNames.ReviewVersions, fullRunId: null, ct);

        Assert.Equal(update.Changed, needing);
        Assert.Equal([new ReviewStamp(ReviewId(3), new DateTimeOffset(2024, 11, 9, 10, 0, 0, TimeSpan.Zero))], needing);
        // Progress was never synced: every review needs it; and a full run that visited none needs every review regardless.
        Assert.Equal(4, (await NeedingAsync(test, StreamNames.ReviewProgress, fullRunId: null, ct)).Count);
        Assert.Equal(4, (await NeedingAsync(test, StreamNames.ReviewVersions, fullRunId: "full-run", ct)).Count);
    }

    [Fact]
    public async Task ReviewsNeedingChildren_KeysetPaged_WalksEveryReviewOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        await test.Writer.WriteReviewsAsync(ProjectId, [.. Enumerable.Range(1, 5).Select(static n => Review(n, "2024-11-07T10:00:00.000Z").ToElement())], null, TaskId, ct);
        var seen = new List<string>();
        string? after = null;

        while (await test.Writer.ReviewsNeedingChildrenAsync(ProjectId, StreamNames.ReviewProgress, fullRunId: "full-run", after, limit: 2, ct) is { Count: > 0 } page)
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

        var needing = Assert.Single(await NeedingAsync(test, StreamNames.ReviewProgress, fullRunId: null, ct));
        Assert.Equal(new ReviewStamp(ReviewId(1), ReviewStamp.NoUpdatedAt), needing);
        var result = await test.Writer.ReplaceReviewChildrenAsync(
            ProjectId, StreamNames.ReviewProgress, needing.ReviewId, needing.UpdatedAt, [ProgressStep("Prüfung", "CLAIMED", null).ToElement()], null, TaskId, ct);

        Assert.Equal(new PageWriteResult(1, 0, 0, 0), result);
        Assert.Empty(await NeedingAsync(test, StreamNames.ReviewProgress, fullRunId: null, ct));
        Assert.True(await test.Database.ScalarAsync<bool>("SELECT review_updated_at IS NULL FROM acc.review_progress", ct));
    }

    /// <summary>
    /// A full run needs every review its own walk has not visited: one whose children landed, and one dead-lettered,
    /// are done for that run (its walk resumes past them after a kill) and needed again by the next full run.
    /// </summary>
    [Fact]
    public async Task ReviewsNeedingChildren_FullRun_NeedsOnlyTheReviewsItsWalkHasNotVisited()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        await test.Writer.WriteReviewsAsync(ProjectId, [.. Enumerable.Range(1, 4).Select(static n => Review(n, "2024-11-07T10:00:00.000Z").ToElement())], null, TaskId, ct);

        await test.Writer.ReplaceReviewChildrenAsync(
            ProjectId, StreamNames.ReviewProgress, ReviewId(3), DateTimeOffset.Parse("2024-11-07T10:00:00Z", CultureInfo.InvariantCulture),
            [ProgressStep("Prüfung", "CLAIMED", null).ToElement()], Visit(1), TaskId, ct);
        await test.Writer.DeadLetterReviewChildrenAsync(ProjectId, StreamNames.ReviewProgress, ReviewId(1), "GET progress", "HTTP 500", Visit(2), TaskId, ct);

        Assert.Equal([ReviewId(2), ReviewId(4)], (await NeedingAsync(test, StreamNames.ReviewProgress, "full-run", ct)).Select(static r => r.ReviewId));
        Assert.Equal(2, await test.Writer.CountReviewsNeedingChildrenAsync(ProjectId, StreamNames.ReviewProgress, "full-run", null, ct));
        Assert.Equal(4, (await NeedingAsync(test, StreamNames.ReviewProgress, "next-full-run", ct)).Count);
        // The other child stream was not visited by the run.
        Assert.Equal(4, (await NeedingAsync(test, StreamNames.ReviewVersions, "full-run", ct)).Count);
        // Incremental: the dead-lettered review still needs its progress, the landed one does not.
        Assert.Equal([ReviewId(1), ReviewId(2), ReviewId(4)], (await NeedingAsync(test, StreamNames.ReviewProgress, null, ct)).Select(static r => r.ReviewId));
    }

    private static Checkpoint Visit(long position) =>
        new(ProjectId, StreamNames.ReviewProgress, TaskId, "full-run", position, $$"""{"visited":{{position}}}""");

    private static Task<IReadOnlyList<ReviewStamp>> NeedingAsync(MirrorTest test, string stream, string? fullRunId, CancellationToken ct) =>
        test.Writer.ReviewsNeedingChildrenAsync(ProjectId, stream, fullRunId, afterReviewId: null, limit: 100, ct);
}
