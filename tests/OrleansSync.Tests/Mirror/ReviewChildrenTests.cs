using System.Text.Json;
using Npgsql;
using OrleansSync.Pipeline;
using OrleansSync.Sources.Acc;
using OrleansSync.Tests.Infrastructure;
using static OrleansSync.Tests.Mirror.AccRecords;

namespace OrleansSync.Tests.Mirror;

public sealed class ReviewChildrenTests
{
    private const string TaskId = "task-versions-1";

    private static readonly DateTimeOffset Monday = new(2024, 11, 11, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReplaceVersions_ThreeThenTwo_LeavesExactlyTheTwo()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        await test.Writer.WriteReviewsAsync(ProjectId, [Review(1, "2024-11-11T09:00:00.000Z").ToElement()], null, TaskId, ct);
        var a = Version("LineageA", 1, null).ToElement();
        var b = Version("LineageB", 2, null).ToElement();
        var c = Version("LineageC", 1, "Approved").ToElement();
        var bApproved = Version("LineageB", 2, "Approved").ToElement();

        var first = await ReplaceVersionsAsync(test, Monday, [a, b, c], ct);
        var second = await ReplaceVersionsAsync(test, Monday.AddDays(1), [a, bApproved], ct);

        Assert.Equal(new PageWriteResult(3, 0, 0, 0), first);
        Assert.Equal(new PageWriteResult(0, 1, 1, 0), second);
        var stored = await test.Database.ListAsync(
            "SELECT urn, approve_status, project_id FROM acc.review_versions WHERE review_id = @id ORDER BY urn", static r => (r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2)),
            ct, ("id", ReviewId(1)));
        Assert.Equal(
            [(UrnOf(a), null, BareProjectId), (UrnOf(bApproved), "APPROVED", BareProjectId)],
            stored);
        Assert.True(await test.RawEqualsAsync("acc.review_versions", "urn", UrnOf(bApproved), bApproved.GetRawText(), ct));
    }

    [Fact]
    public async Task ReplaceVersions_IdenticalSet_AllUnchangedAndRowsNotRewritten()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        JsonElement[] set = [Version("LineageA", 1, null).ToElement(), Version("LineageB", 3, "Rejected").ToElement()];
        await ReplaceVersionsAsync(test, Monday, set, ct);
        var xmin = await test.XminAsync("acc.review_versions", "urn", UrnOf(set[0]), ct);

        var again = await ReplaceVersionsAsync(test, Monday, set, ct);

        Assert.Equal(new PageWriteResult(0, 0, 2, 0), again);
        Assert.Equal(xmin, await test.XminAsync("acc.review_versions", "urn", UrnOf(set[0]), ct));
    }

    [Fact]
    public async Task ReplaceVersions_OlderReviewUpdatedAt_KeepsNewerSet()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        await test.Writer.WriteReviewsAsync(ProjectId, [Review(1, "2024-11-12T09:00:00.000Z").ToElement()], null, TaskId, ct);
        JsonElement[] newer = [Version("LineageA", 2, "Approved").ToElement()];
        JsonElement[] older = [Version("LineageA", 1, null).ToElement(), Version("LineageB", 1, null).ToElement()];
        await ReplaceVersionsAsync(test, Monday.AddDays(1), newer, ct);

        var result = await ReplaceVersionsAsync(test, Monday, older, ct);

        Assert.Equal(new PageWriteResult(0, 0, 2, 0), result);
        Assert.Equal(UrnOf(newer[0]), Assert.Single(await test.Database.ListAsync("SELECT urn FROM acc.review_versions", static r => r.GetString(0), ct)));
        Assert.Equal(Monday.AddDays(1).UtcDateTime, await test.Database.ScalarAsync<DateTime>("SELECT versions_synced_for FROM acc.reviews", ct));
    }

    [Fact]
    public async Task ReplaceVersions_TwoReplacementsAtOnce_NewerSetWinsWhole()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        await test.Writer.WriteReviewsAsync(ProjectId, [Review(1, "2024-11-20T09:00:00.000Z").ToElement()], null, TaskId, ct);
        await ReplaceVersionsAsync(test, Monday, [Version("Stored", 1, null).ToElement()], ct);
        JsonElement[] older = [Version("OlderA", 1, null).ToElement(), Version("OlderB", 1, null).ToElement()];
        JsonElement[] newer = [Version("NewerA", 2, "Approved").ToElement()];

        // Hold the review row, so both replacements are in flight together before either can commit.
        await using var blocker = await test.Database.DataSource.OpenConnectionAsync(ct);
        await using var hold = await blocker.BeginTransactionAsync(ct);
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM acc.reviews FOR UPDATE", blocker, hold))
        {
            await lockRow.ExecuteScalarAsync(ct);
        }

        var replacements = new[] { ReplaceVersionsAsync(test, Monday.AddDays(1), older, ct), ReplaceVersionsAsync(test, Monday.AddDays(2), newer, ct) };
        await Eventually.UntilAsync(
            async () => await test.Database.ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", ct) == 2,
            TimeSpan.FromSeconds(30), "both replacements waiting", ct);
        await hold.CommitAsync(ct);
        await Task.WhenAll(replacements);

        var stored = await test.Database.ListAsync("SELECT urn FROM acc.review_versions", static r => r.GetString(0), ct);
        Assert.Equal(UrnOf(newer[0]), Assert.Single(stored));
        Assert.Equal(Monday.AddDays(2).UtcDateTime, await test.Database.ScalarAsync<DateTime>("SELECT versions_synced_for FROM acc.reviews", ct));
    }

    [Fact]
    public async Task ReplaceVersions_WithoutReviewRow_StillKeepsNewerSet()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        await ReplaceVersionsAsync(test, Monday.AddDays(1), [Version("LineageA", 2, "Approved").ToElement()], ct);

        await ReplaceVersionsAsync(test, Monday, [Version("LineageB", 1, null).ToElement()], ct);

        Assert.Equal("urn:adsk.wipprod:fs.file:vf.LineageA?version=2", Assert.Single(await test.Database.ListAsync("SELECT urn FROM acc.review_versions", static r => r.GetString(0), ct)));
    }

    [Fact]
    public async Task ReplaceProgress_NewestFirst_PositionsFollowReceivedOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        JsonElement[] steps =
        [
            ProgressStep("Freigabe \"final\"", "CLAIMED", null).ToElement(),
            ProgressStep("Prüfung", "SUBMITTED", "2024-11-10T16:20:00.000Z").ToElement(),
            ProgressStep("Initiator", "SUBMITTED", "2024-11-09T08:00:00.000Z").ToElement(),
        ];

        var result = await test.Writer.ReplaceReviewChildrenAsync(ProjectId, StreamNames.ReviewProgress, ReviewId(1), Monday, steps, null, TaskId, ct);

        Assert.Equal(new PageWriteResult(3, 0, 0, 0), result);
        var stored = await test.Database.ListAsync(
            "SELECT position, step_name, status, end_time, review_updated_at FROM acc.review_progress ORDER BY position",
            static r => (r.GetInt32(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<DateTimeOffset>(4)),
            ct);
        Assert.Equal(
            [
                (0, "Freigabe \"final\"", "CLAIMED", null, Monday),
                (1, "Prüfung", "SUBMITTED", new DateTimeOffset(2024, 11, 10, 16, 20, 0, TimeSpan.Zero), Monday),
                (2, "Initiator", "SUBMITTED", new DateTimeOffset(2024, 11, 9, 8, 0, 0, TimeSpan.Zero), Monday),
            ],
            stored);
        Assert.True(await test.Database.ScalarAsync<bool>("SELECT raw = @json::jsonb FROM acc.review_progress WHERE position = 0", ct, ("json", steps[0].GetRawText())));
    }

    [Fact]
    public async Task ReplaceChildren_MalformedChildren_DeadLetteredUnderTheirStreamAndRestLands()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var noUrn = Version("LineageB", 1, null);
        noUrn.Remove("urn");
        var badApproval = Version("LineageC", 1, null);
        badApproval["approveStatus"]!["value"] = 3;
        var badEnd = ProgressStep("Prüfung", "SUBMITTED", null);
        badEnd["endTime"] = 1_731_255_600_000;

        var versions = await ReplaceVersionsAsync(test, Monday, [Version("LineageA", 1, null).ToElement(), noUrn.ToElement(), badApproval.ToElement()], ct);
        var progress = await test.Writer.ReplaceReviewChildrenAsync(
            ProjectId, StreamNames.ReviewProgress, ReviewId(1), Monday, [ProgressStep("Freigabe", "CLAIMED", null).ToElement(), badEnd.ToElement()], null, TaskId, ct);

        Assert.Equal(new PageWriteResult(1, 0, 0, 2), versions);
        Assert.Equal(new PageWriteResult(1, 0, 0, 1), progress);
        var letters = await test.Database.ListAsync(
            "SELECT stream, record_key, reason FROM sync.dead_letters ORDER BY stream, reason",
            static r => (r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2)), ct);
        Assert.Equal(
            [
                (StreamNames.ReviewProgress, $"{ReviewId(1)}/1", "endTime: expected an ISO 8601 timestamp string or null, got a number"),
                (StreamNames.ReviewVersions, $"{ReviewId(1)}/urn:adsk.wipprod:fs.file:vf.LineageC?version=1", "approveStatus.value: expected a string or null, got a number"),
                (StreamNames.ReviewVersions, null, "urn: missing"),
            ],
            letters);
    }

    [Fact]
    public async Task ReplaceChildren_UnknownStream_Throws()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            test.Writer.ReplaceReviewChildrenAsync(ProjectId, StreamNames.Reviews, ReviewId(1), Monday, [], null, TaskId, ct));
    }

    internal static Task<PageWriteResult> ReplaceVersionsAsync(MirrorTest test, DateTimeOffset reviewUpdatedAt, JsonElement[] set, CancellationToken ct) =>
        test.Writer.ReplaceReviewChildrenAsync(ProjectId, StreamNames.ReviewVersions, ReviewId(1), reviewUpdatedAt, set, null, TaskId, ct);

    private static string UrnOf(JsonElement version) => version.GetProperty("urn").GetString()!;
}
