using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.Json;
using System.Text;
using OrleansSync.Pipeline;
using OrleansSync.Sources.Acc;
using static OrleansSync.Tests.Mirror.AccRecords;

namespace OrleansSync.Tests.Mirror;

public sealed class DeadLetterTests
{
    private const string TaskId = "task-reviews-7";

    [Fact]
    public async Task WriteReviews_MalformedRecords_DeadLetteredWithReasonsAndRestLands()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var page = MalformedPage();

        var result = await test.Writer.WriteReviewsAsync(ProjectId, page, null, TaskId, ct);

        Assert.Equal(new PageWriteResult(2, 0, 0, 6), result.Page);
        Assert.Equal(2, await test.CountAsync("acc.reviews", ct));
        var letters = await ReadDeadLettersAsync(test, ct);
        Assert.Equal(6, letters.Count);
        Assert.All(letters, static l => Assert.Equal((BareProjectId, StreamNames.Reviews, TaskId, 1), (l.Project, l.Stream, l.Task, l.Occurrences)));
        Assert.All(letters, static l => Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(l.Raw))), l.Sha));
        Assert.Equal(page.Skip(2).Select(static p => p.GetRawText()).Order(StringComparer.Ordinal), letters.Select(static l => l.Raw).Order(StringComparer.Ordinal));

        Assert.Null(Reason(letters, "id: missing").Key);
        Assert.Equal(ReviewId(4), Reason(letters, "sequenceId: expected an integer or null, got a string").Key);
        Assert.Equal(ReviewId(5), Reason(letters, "updatedAt: expected an ISO 8601 timestamp string or null, got a number").Key);
        var twoFields = Reason(letters, "archived: expected a boolean or null, got a string");
        Assert.Contains("createdAt: expected an ISO 8601 timestamp string or null, got a string that is not ISO 8601", twoFields.Reason, StringComparison.Ordinal);
        Assert.Null(Reason(letters, "record: expected a JSON object, got an array").Key);
        Assert.Null(Reason(letters, "record: expected a JSON object, got a string").Key);
    }

    [Fact]
    public async Task WriteReviews_DeadLetteredRecordLandsLater_ItsDeadLetterIsResolvedAndOthersStayOpen()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        await test.Writer.WriteReviewsAsync(ProjectId, MalformedPage(), null, TaskId, ct);
        test.Clock.Now += TimeSpan.FromMinutes(5);

        // Review 4 comes back well-formed (and newer): it lands, and its dead letter is resolved.
        var fixedReview = await test.Writer.WriteReviewsAsync(ProjectId, [Review(4, "2024-11-08T10:00:00.000Z").ToElement()], null, TaskId, ct);

        Assert.Equal(1, fixedReview.Page.Inserted);
        var resolved = await test.Database.ListAsync(
            "SELECT record_key, resolved_at FROM sync.dead_letters WHERE resolved_at IS NOT NULL", static r => (Key: r.GetString(0), At: r.GetFieldValue<DateTimeOffset>(1)), ct);
        Assert.Equal([(ReviewId(4), test.Clock.Now)], resolved);
        Assert.Equal(5, await test.Database.ScalarAsync<long>("SELECT count(*) FROM sync.dead_letters WHERE resolved_at IS NULL", ct));
    }

    [Fact]
    public async Task WriteReviews_SameMalformedPageTwice_BumpsOccurrences()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        await test.Writer.WriteReviewsAsync(ProjectId, MalformedPage(), null, TaskId, ct);
        test.Clock.Now += TimeSpan.FromMinutes(5);

        var again = await test.Writer.WriteReviewsAsync(ProjectId, MalformedPage(), null, "task-reviews-8", ct);

        Assert.Equal(new PageWriteResult(0, 0, 2, 6), again.Page);
        var letters = await ReadDeadLettersAsync(test, ct);
        Assert.Equal(6, letters.Count);
        Assert.All(letters, static l => Assert.Equal(2, l.Occurrences));
        Assert.All(letters, static l => Assert.Equal("task-reviews-8", l.Task));
        Assert.Equal(1, await test.Database.ScalarAsync<long>(
            "SELECT count(DISTINCT (first_seen_at, last_seen_at)) FROM sync.dead_letters WHERE last_seen_at - first_seen_at = interval '5 minutes'", ct));
    }

    [Fact]
    public async Task WriteReviews_SameBadRecordTwiceInPage_OneRowWithTwoOccurrences()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var noId = Review(9, "2024-11-07T10:00:00.000Z");
        noId.Remove("id");

        var result = await test.Writer.WriteReviewsAsync(ProjectId, [noId.ToElement(), noId.ToElement()], null, TaskId, ct);

        Assert.Equal(new PageWriteResult(0, 0, 0, 2), result.Page);
        Assert.Equal(2, await test.Database.ScalarAsync<int>("SELECT occurrences FROM sync.dead_letters", ct));
    }

    [Fact]
    public async Task WriteReviews_TextJsonbCannotStore_DeadLetteredAndRestLands()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var nul = Review(1, "2024-11-07T10:00:00.000Z");
        nul["name"] = "before\u0000after";
        // JSON allows an unpaired surrogate escape; System.Text.Json and jsonb do not. Once in a typed field, once nested.
        var typedSurrogate = Parse(Review(2, "2024-11-07T10:00:00.000Z").ToElement().GetRawText()
            .Replace("\"status\":\"OPEN\"", "\"status\":\"\\ud800\"", StringComparison.Ordinal));
        var nestedSurrogate = Parse(Review(3, "2024-11-07T10:00:00.000Z").ToElement().GetRawText()
            .Replace("Zoë O'Brien", "Zoë \\udfff O'Brien", StringComparison.Ordinal));

        var result = await test.Writer.WriteReviewsAsync(
            ProjectId, [nul.ToElement(), typedSurrogate, nestedSurrogate, Review(4, "2024-11-07T10:00:00.000Z").ToElement()], null, TaskId, ct);

        Assert.Equal(new PageWriteResult(1, 0, 0, 3), result.Page);
        Assert.Equal(ReviewId(4), await test.Database.ScalarAsync<string>("SELECT review_id FROM acc.reviews", ct));
        var letters = await ReadDeadLettersAsync(test, ct);
        Assert.Equal(new[] { ReviewId(1), ReviewId(2), ReviewId(3) }, letters.Select(static l => l.Key).Order());
        Assert.All(letters, static l => Assert.Contains("jsonb cannot store", l.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WriteWorkflows_MalformedRecord_DeadLetteredUnderWorkflows()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var badStatus = Workflow("wf-2", "2024-01-05T08:00:00.000Z");
        badStatus["status"] = new JsonArray("ACTIVE");

        var result = await test.Writer.WriteWorkflowsAsync(ProjectId, [Workflow("wf-1", "2024-01-05T08:00:00.000Z").ToElement(), badStatus.ToElement()], null, TaskId, ct);

        Assert.Equal(new PageWriteResult(1, 0, 0, 1), result);
        var letter = Assert.Single(await ReadDeadLettersAsync(test, ct));
        Assert.Equal((StreamNames.Workflows, "wf-2", "status: expected a string or null, got an array"), (letter.Stream, letter.Key, letter.Reason));
    }

    /// <summary>Two good reviews, then the malformed kinds the emulator emits and a few more.</summary>
    private static JsonElement[] MalformedPage()
    {
        var noId = Review(3, "2024-11-07T10:00:00.000Z");
        noId.Remove("id");
        var sequenceAsString = Review(4, "2024-11-07T10:00:00.000Z");
        sequenceAsString["sequenceId"] = "4";
        var updatedAsNumber = Review(5, "2024-11-07T10:00:00.000Z");
        updatedAsNumber["updatedAt"] = 1_730_973_600_000;
        var twoBadFields = Review(6, "2024-11-07T10:00:00.000Z");
        twoBadFields["archived"] = "false";
        twoBadFields["createdAt"] = "gestern";
        return
        [
            Review(1, "2024-11-07T10:00:00.000Z").ToElement(),
            Review(2, "2024-11-07T10:00:00.000Z").ToElement(),
            noId.ToElement(),
            sequenceAsString.ToElement(),
            updatedAsNumber.ToElement(),
            twoBadFields.ToElement(),
            Parse("""[{"id":"not-a-review"}]"""),
            Parse("\"Quota limit exceeded.\""),
        ];
    }

    private static DeadLetterRow Reason(List<DeadLetterRow> letters, string reason) =>
        Assert.Single(letters, l => l.Reason.StartsWith(reason, StringComparison.Ordinal));

    private static Task<List<DeadLetterRow>> ReadDeadLettersAsync(MirrorTest test, CancellationToken cancellationToken) =>
        test.Database.ListAsync(
            "SELECT project_id, stream, task_id, record_key, raw, raw_sha256, reason, occurrences FROM sync.dead_letters ORDER BY id",
            static r => new DeadLetterRow(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.GetString(4), r.GetString(5), r.GetString(6), r.GetInt32(7)),
            cancellationToken);

    private sealed record class DeadLetterRow(string Project, string Stream, string Task, string? Key, string Raw, string Sha, string Reason, int Occurrences);
}
