using System.Text.Json.Nodes;
using System.Text.Json;
using Npgsql;
using OrleansSync.Mirror;
using OrleansSync.Pipeline;
using OrleansSync.Sources.Acc;
using static OrleansSync.Tests.Mirror.AccRecords;

namespace OrleansSync.Tests.Mirror;

/// <summary>
/// Records that pass our checks but that PostgreSQL itself refuses: the page lands without them, and each is a dead
/// letter carrying PostgreSQL's code and message. Other failures still fail the page.
/// </summary>
public sealed class RefusedRecordTests
{
    private const string TaskId = "task-reviews-9";

    // numeric (so jsonb) holds at most 131072 digits before the point: valid JSON, refused with 22003.
    private const string NumberJsonbCannotHold = "1e200000";

    // A DBA's rule on the mirror: upstream may send a status it does not know.
    private const string StatusConstraint =
        "ALTER TABLE acc.reviews ADD CONSTRAINT reviews_status_known CHECK (status IN ('OPEN', 'CLOSED', 'VOID', 'FAILED'))";

    [Fact]
    public async Task WriteReviews_KeyLongerThanItsIndexTakes_DeadLettersItWith54000AndLandsTheRest()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var longKey = Review(2, "2024-11-07T10:00:00.000Z");
        // Random hex does not compress: 6,400 bytes in the primary key's btree, whose rows hold at most 2,704.
        longKey["id"] = string.Concat(Enumerable.Range(0, 200).Select(static _ => Guid.NewGuid().ToString("N")));

        var result = await test.Writer.WriteReviewsAsync(
            ProjectId, [Review(1, "2024-11-07T10:00:00.000Z").ToElement(), longKey.ToElement(), Review(3, "2024-11-07T10:00:00.000Z").ToElement()], null, TaskId, ct);

        Assert.Equal(new PageWriteResult(2, 0, 0, 1), result.Page);
        Assert.Equal([ReviewId(1), ReviewId(3)], await ReviewIdsAsync(test, ct));
        var letter = Assert.Single(await DeadLettersAsync(test, ct));
        Assert.StartsWith(longKey["id"]!.GetValue<string>()[..400], letter.Key, StringComparison.Ordinal);
        Assert.StartsWith("PostgreSQL refused the record (SQLSTATE 54000, constraint reviews_pkey): index row size", letter.Reason, StringComparison.Ordinal);
        Assert.Equal(longKey.ToElement().GetRawText(), letter.Raw);
    }

    [Fact]
    public async Task WriteReviews_NumberOutOfJsonbRange_DeadLettersItWith22003AndLandsTheRest()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var huge = WithHugeNumber(Review(2, "2024-11-07T10:00:00.000Z"));

        var result = await test.Writer.WriteReviewsAsync(ProjectId, [Review(1, "2024-11-07T10:00:00.000Z").ToElement(), huge], null, TaskId, ct);

        Assert.Equal(new PageWriteResult(1, 0, 0, 1), result.Page);
        Assert.Equal([ReviewId(1)], await ReviewIdsAsync(test, ct));
        var letter = Assert.Single(await DeadLettersAsync(test, ct));
        Assert.Equal((ReviewId(2), "PostgreSQL refused the record (SQLSTATE 22003): value overflows numeric format", huge.GetRawText()), (letter.Key, letter.Reason, letter.Raw));
    }

    [Fact]
    public async Task WriteReviews_ConstraintViolated_DeadLettersItWith23514AndLandsTheRest()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        await test.Database.ScalarAsync<object>(StatusConstraint, ct);

        var result = await test.Writer.WriteReviewsAsync(
            ProjectId, [Review(1, "2024-11-07T10:00:00.000Z", "PENDING_SIGNOFF").ToElement(), Review(2, "2024-11-07T10:00:00.000Z", "CLOSED").ToElement()], null, TaskId, ct);

        Assert.Equal(new PageWriteResult(1, 0, 0, 1), result.Page);
        Assert.Equal([ReviewId(2)], await ReviewIdsAsync(test, ct));
        var letter = Assert.Single(await DeadLettersAsync(test, ct));
        Assert.Equal(ReviewId(1), letter.Key);
        Assert.StartsWith("PostgreSQL refused the record (SQLSTATE 23514, constraint reviews_status_known): new row for relation \"reviews\" violates", letter.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteReviews_SeveralRefusedSpreadOut_LandsTheRestWithExactCountsAndCheckpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        await test.Database.ScalarAsync<object>(StatusConstraint, ct);
        // Reviews 1-10 are stored; the page brings 1-5 again as they were (unchanged), 6-10 newer (updated), 11-20 new.
        await test.Writer.WriteReviewsAsync(ProjectId, [.. Enumerable.Range(1, 10).Select(static n => Review(n, "2024-11-07T10:00:00.000Z").ToElement())], null, TaskId, ct);
        var page = Enumerable.Range(1, 20).Select(static n => Review(n, n <= 5 ? "2024-11-07T10:00:00.000Z" : "2024-11-08T10:00:00.000Z").ToElement()).ToArray();
        // Refused: an unchanged one, an updated one and new ones, first and last included, each for its own reason.
        page[0] = WithHugeNumber(Review(1, "2024-11-07T10:00:00.000Z"));
        page[7] = Review(8, "2024-11-08T10:00:00.000Z", "ON_HOLD").ToElement();
        page[12] = WithHugeNumber(Review(13, "2024-11-08T10:00:00.000Z"));
        page[19] = Review(20, "2024-11-08T10:00:00.000Z", "ON_HOLD").ToElement();
        var checkpoint = new Checkpoint(ProjectId, StreamNames.Reviews, TaskId, "run-1", 1, """{"offset":20}""");

        var result = await test.Writer.WriteReviewsAsync(ProjectId, page, checkpoint, TaskId, ct);

        Assert.Equal(new PageWriteResult(Inserted: 8, Updated: 4, Unchanged: 4, DeadLettered: 4), result.Page);
        Assert.Equal([.. new[] { 6, 7, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19 }.Select(ReviewId)], result.Changed.Select(static c => c.ReviewId).Order());
        var letters = await DeadLettersAsync(test, ct);
        Assert.Equal([ReviewId(1), ReviewId(8), ReviewId(13), ReviewId(20)], letters.Select(static l => l.Key).Order());
        Assert.Equal(["22003", "22003", "23514", "23514"], letters.Select(static l => l.Reason.Split("SQLSTATE ")[1][..5]).Order());
        // Review 8 kept its stored (older) version; 13 and 20 are not stored; every other record is.
        Assert.Equal(18, await test.CountAsync("acc.reviews", ct));
        Assert.True(await test.Database.ScalarAsync<bool>(
            "SELECT updated_at = '2024-11-07T10:00:00Z' FROM acc.reviews WHERE review_id = @id", ct, ("id", ReviewId(8))));
        var counters = await new Checkpoints(test.Database.DataSource).ReadTaskCountersAsync(ProjectId, TaskId, ct);
        Assert.NotNull(counters);
        Assert.Equal((8L, 4L, 4L, 4L), (counters.Inserted, counters.Updated, counters.Unchanged, counters.DeadLettered));
    }

    [Fact]
    public async Task WriteWorkflows_NumberOutOfJsonbRange_DeadLettersItAndLandsTheRest()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        // A step's duration is a number upstream: one jsonb cannot hold.
        var huge = Parse(Workflow("wf-2", "2024-01-05T08:00:00.000Z").ToElement().GetRawText().Replace("\"duration\":3", $"\"duration\":{NumberJsonbCannotHold}", StringComparison.Ordinal));

        var result = await test.Writer.WriteWorkflowsAsync(ProjectId, [huge, Workflow("wf-1", "2024-01-05T08:00:00.000Z").ToElement()], null, TaskId, ct);

        Assert.Equal(new PageWriteResult(1, 0, 0, 1), result);
        var letter = Assert.Single(await DeadLettersAsync(test, ct));
        Assert.Equal((StreamNames.Workflows, "wf-2"), (letter.Stream, letter.Key));
        Assert.Contains("SQLSTATE 22003", letter.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplaceVersions_OneChildRefused_LandsTheOthersAndDeletesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var monday = new DateTimeOffset(2024, 11, 11, 9, 0, 0, TimeSpan.Zero);
        var gone = Version("LineageGone", 1, null).ToElement();
        await test.Writer.ReplaceReviewChildrenAsync(ProjectId, StreamNames.ReviewVersions, ReviewId(1), monday, [gone], null, TaskId, ct);
        var huge = Parse(Version("LineageB", 1, null).ToElement().GetRawText().Replace("\"id\":7", $"\"id\":{NumberJsonbCannotHold}", StringComparison.Ordinal));

        var result = await test.Writer.ReplaceReviewChildrenAsync(
            ProjectId, StreamNames.ReviewVersions, ReviewId(1), monday.AddDays(1), [Version("LineageA", 1, null).ToElement(), huge], null, TaskId, ct);

        // The list is not whole without the refused child: it proves nothing gone, so the stored child stays.
        Assert.Equal(new PageWriteResult(1, 0, 0, 1), result);
        Assert.Equal(2, await test.CountAsync("acc.review_versions", ct));
        var letter = Assert.Single(await DeadLettersAsync(test, ct));
        Assert.Equal(ReviewId(1) + "/" + huge.GetProperty("urn").GetString(), letter.Key);
        Assert.Contains("SQLSTATE 22003", letter.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("40001")]
    [InlineData("40P01")]
    [InlineData("57P01")]
    [InlineData("08006")]
    public async Task WriteReviews_RefusedForNoDataReason_FailsThePageAndDeadLettersNothing(string sqlState)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        // PostgreSQL raises the code for one record only: were it taken for that record's fault, it would be dead-lettered.
        await test.Database.ScalarAsync<object>(
            $"""
            CREATE FUNCTION acc.fail_review() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.review_id = '{ReviewId(2)}' THEN RAISE EXCEPTION 'not the record''s fault' USING ERRCODE = '{sqlState}'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER fail_review BEFORE INSERT OR UPDATE ON acc.reviews FOR EACH ROW EXECUTE FUNCTION acc.fail_review();
            """,
            ct);

        var error = await Assert.ThrowsAsync<PostgresException>(() => test.Writer.WriteReviewsAsync(
            ProjectId, [Review(1, "2024-11-07T10:00:00.000Z").ToElement(), Review(2, "2024-11-07T10:00:00.000Z").ToElement()], null, TaskId, ct));

        Assert.Equal(sqlState, error.SqlState);
        Assert.Equal(0, await test.CountAsync("acc.reviews", ct));
        Assert.Equal(0, await test.CountAsync("sync.dead_letters", ct));
    }

    private static JsonElement WithHugeNumber(JsonObject review) =>
        Parse(review.ToElement().GetRawText().Replace("\"approvedBy\":{}", $"\"approvedBy\":{{\"weight\":{NumberJsonbCannotHold}}}", StringComparison.Ordinal));

    private static async Task<List<string>> ReviewIdsAsync(MirrorTest test, CancellationToken cancellationToken) =>
        await test.Database.ListAsync("SELECT review_id FROM acc.reviews ORDER BY review_id", static r => r.GetString(0), cancellationToken);

    private static Task<List<Letter>> DeadLettersAsync(MirrorTest test, CancellationToken cancellationToken) =>
        test.Database.ListAsync(
            "SELECT stream, record_key, reason, raw FROM sync.dead_letters ORDER BY id",
            static r => new Letter(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetString(3)),
            cancellationToken);

    private sealed record class Letter(string Stream, string? Key, string Reason, string Raw);
}
