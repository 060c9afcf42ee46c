using System.Text.Json;
using OrleansSync.Pipeline;
using OrleansSync.Sources.Acc;
using OrleansSync.Sources.Acc.Mirror;
using static OrleansSync.Tests.Mirror.AccRecords;

namespace OrleansSync.Tests.Mirror;

public sealed class ReviewWriteTests
{
    private const string Task1 = "task-reviews-1";

    [Fact]
    public async Task WriteReviews_NewPage_InsertsEveryRecordAsReceived()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var nodes = new[] { Review(1, "2024-11-07T10:00:00.000Z"), Review(2, "2024-11-08T10:00:00.000Z", "CLOSED"), Review(3, "2024-11-09T10:00:00.000Z") };
        nodes[2]["archived"] = true;
        var texts = nodes.Select(static n => n.ToElement().GetRawText()).ToList();

        var result = await test.Writer.WriteReviewsAsync(ProjectId, [.. texts.Select(Parse)], null, Task1, ct);

        Assert.Equal(new PageWriteResult(3, 0, 0, 0), result.Page);
        Assert.Equal(new[] { ReviewId(1), ReviewId(2), ReviewId(3) }, result.Changed.Select(static c => c.ReviewId).Order());
        for (var i = 0; i < texts.Count; i++)
        {
            Assert.True(await test.RawEqualsAsync("acc.reviews", "review_id", ReviewId(i + 1), texts[i], ct));
        }

        var row = await test.Database.ListAsync(
            """
            SELECT project_id, sequence_id, name, status, workflow_id, current_step_due_date, archived, updated_at, finished_at, synced_at
            FROM acc.reviews WHERE review_id = @id
            """,
            static r => (Project: r.GetString(0), Seq: r.GetInt64(1), Name: r.GetString(2), Status: r.GetString(3), Workflow: r.GetString(4),
                Due: r.IsDBNull(5) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(5), Archived: r.GetBoolean(6),
                Updated: r.GetFieldValue<DateTimeOffset>(7), Finished: r.IsDBNull(8) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(8),
                Synced: r.GetFieldValue<DateTimeOffset>(9)),
            ct,
            ("id", ReviewId(2)));
        var stored = Assert.Single(row);
        Assert.Equal(BareProjectId, stored.Project);
        Assert.Equal(2, stored.Seq);
        Assert.Equal(nodes[1]["name"]!.GetValue<string>(), stored.Name);
        Assert.Equal("CLOSED", stored.Status);
        Assert.Equal(WorkflowId, stored.Workflow);
        Assert.Null(stored.Due);
        Assert.False(stored.Archived);
        Assert.Equal(DateTimeOffset.Parse("2024-11-08T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), stored.Updated);
        Assert.Equal(stored.Updated, stored.Finished);
        Assert.Equal(test.Clock.Now, stored.Synced);
        Assert.True(await test.Database.ScalarAsync<bool>("SELECT archived FROM acc.reviews WHERE review_id = @id", ct, ("id", ReviewId(3))));
    }

    [Fact]
    public async Task WriteReviews_IdenticalPageAgain_AllUnchangedAndRowsNotRewritten()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        JsonElement[] page = [Review(1, "2024-11-07T10:00:00.000Z").ToElement(), Review(2, "2024-11-08T10:00:00.000Z").ToElement()];
        await test.Writer.WriteReviewsAsync(ProjectId, page, null, Task1, ct);
        var xmin = await test.XminAsync("acc.reviews", "review_id", ReviewId(1), ct);
        var synced = test.Clock.Now;
        test.Clock.Now += TimeSpan.FromHours(1);

        var again = await test.Writer.WriteReviewsAsync(ProjectId, page, null, "task-reviews-2", ct);

        Assert.Equal(new PageWriteResult(0, 0, 2, 0), again.Page);
        Assert.Empty(again.Changed);
        Assert.Equal(xmin, await test.XminAsync("acc.reviews", "review_id", ReviewId(1), ct));
        Assert.Equal(synced.UtcDateTime, await test.Database.ScalarAsync<DateTime>("SELECT max(synced_at) FROM acc.reviews", ct));
    }

    [Fact]
    public async Task WriteReviews_NewerUpdatedAt_UpdatesRowAndReportsIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        await test.Writer.WriteReviewsAsync(ProjectId, [Review(1, "2024-11-07T10:00:00.000Z").ToElement(), Review(2, "2024-11-07T10:00:00.000Z").ToElement()], null, Task1, ct);
        var newer = Review(1, "2024-11-10T12:30:00.123Z", "CLOSED").ToElement();

        var result = await test.Writer.WriteReviewsAsync(ProjectId, [newer, Review(2, "2024-11-07T10:00:00.000Z").ToElement()], null, Task1, ct);

        Assert.Equal(new PageWriteResult(0, 1, 1, 0), result.Page);
        var changed = Assert.Single(result.Changed);
        Assert.Equal(new ReviewStamp(ReviewId(1), new DateTimeOffset(2024, 11, 10, 12, 30, 0, 123, TimeSpan.Zero)), changed);
        Assert.True(await test.RawEqualsAsync("acc.reviews", "review_id", ReviewId(1), newer.GetRawText(), ct));
        Assert.Equal("CLOSED", await test.Database.ScalarAsync<string>("SELECT status FROM acc.reviews WHERE review_id = @id", ct, ("id", ReviewId(1))));
    }

    [Fact]
    public async Task WriteReviews_OlderPageAfterNewer_UnchangedAndKeepsNewerRaw()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var newer = Review(1, "2024-11-10T12:00:00.000Z", "CLOSED").ToElement();
        var older = Review(1, "2024-11-07T10:00:00.000Z").ToElement();
        await test.Writer.WriteReviewsAsync(ProjectId, [newer], null, Task1, ct);
        var xmin = await test.XminAsync("acc.reviews", "review_id", ReviewId(1), ct);

        var result = await test.Writer.WriteReviewsAsync(ProjectId, [older], null, Task1, ct);

        Assert.Equal(new PageWriteResult(0, 0, 1, 0), result.Page);
        Assert.Empty(result.Changed);
        Assert.True(await test.RawEqualsAsync("acc.reviews", "review_id", ReviewId(1), newer.GetRawText(), ct));
        Assert.Equal(xmin, await test.XminAsync("acc.reviews", "review_id", ReviewId(1), ct));
    }

    [Fact]
    public async Task WriteReviews_SameUpdatedAtDifferentContent_LaterFetchWins()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        await test.Writer.WriteReviewsAsync(ProjectId, [Review(1, "2024-11-07T10:00:00.000Z").ToElement()], null, Task1, ct);
        var renamed = Review(1, "2024-11-07T10:00:00.000Z");
        renamed["name"] = "Ревизия фасада";

        var result = await test.Writer.WriteReviewsAsync(ProjectId, [renamed.ToElement()], null, Task1, ct);

        Assert.Equal(new PageWriteResult(0, 1, 0, 0), result.Page);
        Assert.Equal("Ревизия фасада", await test.Database.ScalarAsync<string>("SELECT name FROM acc.reviews WHERE review_id = @id", ct, ("id", ReviewId(1))));
    }

    [Fact]
    public async Task WriteReviews_TimestampsWithOffsetOrNone_StoredAsUtc()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var review = Review(1, "2024-11-07T11:30:00.250+01:30");
        review["createdAt"] = "2024-11-06T01:42:17";

        await test.Writer.WriteReviewsAsync(ProjectId, [review.ToElement()], null, Task1, ct);

        Assert.True(await test.Database.ScalarAsync<bool>(
            "SELECT updated_at = '2024-11-07T10:00:00.250Z' AND created_at = '2024-11-06T01:42:17Z' FROM acc.reviews", ct));
    }

    [Fact]
    public async Task WriteReviews_SameReviewTwiceInPage_KeepsNewestCopy()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var newer = Review(1, "2024-11-09T10:00:00.000Z", "CLOSED").ToElement();

        var result = await test.Writer.WriteReviewsAsync(ProjectId, [newer, Review(1, "2024-11-07T10:00:00.000Z").ToElement()], null, Task1, ct);

        Assert.Equal(new PageWriteResult(1, 0, 1, 0), result.Page);
        Assert.True(await test.RawEqualsAsync("acc.reviews", "review_id", ReviewId(1), newer.GetRawText(), ct));
    }

    [Fact]
    public async Task WriteReviews_FiveHundredRecords_LandWithCorrectCounts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var first = Enumerable.Range(1, 500).Select(static n => Review(n, "2024-11-07T10:00:00.000Z").ToElement()).ToList();
        // Every other review moves on; the rest come back as they were.
        var second = Enumerable.Range(1, 500)
            .Select(static n => Review(n, n % 2 == 0 ? "2024-11-08T10:00:00.000Z" : "2024-11-07T10:00:00.000Z").ToElement())
            .ToList();

        var inserted = await test.Writer.WriteReviewsAsync(ProjectId, first, null, Task1, ct);
        var updated = await test.Writer.WriteReviewsAsync(ProjectId, second, null, Task1, ct);

        Assert.Equal(new PageWriteResult(500, 0, 0, 0), inserted.Page);
        Assert.Equal(new PageWriteResult(0, 250, 250, 0), updated.Page);
        Assert.Equal(250, updated.Changed.Count);
        Assert.Equal(500, await test.CountAsync("acc.reviews", ct));
        Assert.Equal(250, await test.Database.ScalarAsync<long>("SELECT count(*) FROM acc.reviews WHERE updated_at = '2024-11-08T10:00:00Z'", ct));
    }

    [Fact]
    public async Task WriteReviews_EmptyPageWithCheckpoint_WritesOnlyCheckpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var checkpoint = new Checkpoint(ProjectId, StreamNames.Reviews, Task1, "run-1", 1, """{"offset":0,"done":true}""");

        var result = await test.Writer.WriteReviewsAsync(ProjectId, [], checkpoint, Task1, ct);

        Assert.Equal(PageWriteResult.Empty, result.Page);
        Assert.Equal(0, await test.CountAsync("acc.reviews", ct));
        Assert.NotNull(await test.Writer.ReadCheckpointAsync(ProjectId, StreamNames.Reviews, ct));
    }
}
