using System.Globalization;
using OrleansSync.Emulator;

namespace OrleansSync.Tests.Acc;

public sealed class AccIncrementalTests
{
    private static readonly string[] ReviewKinds =
        ["reviewUpdated", "reviewStatusChanged", "reviewArchived", "reviewUnarchived", "reviewCreated", "progressAdded", "versionsReplaced"];

    [Fact]
    public async Task ReadAllAsync_UpdatedSince_ReturnsOnlyReviewsUpdatedAtOrAfterTheMark()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions { Dataset = { Seed = 21, Projects = 2, ReviewsPerProject = 120, ArchivedShare = 0.2 } },
            ct);
        await using var host = AccTestHost.Start(emulator);
        emulator.Mutate(10);
        var mutations = emulator.Mutate(60);
        var reviewChanges = mutations.Changes.Where(c => ReviewKinds.Contains(c.Kind)).ToList();
        Assert.NotEmpty(reviewChanges);

        // The mark is the second batch's first change: everything of that batch is at or after it, the first batch before.
        var mark = mutations.Changes.Min(c => Timestamp(c.UpdatedAt));
        var dump = await AccDump.LoadAsync(emulator, ct);

        foreach (var projectId in emulator.ProjectIds)
        {
            var changed = await AccReads.RecordsAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, archived: false, mark), ct);
            changed.AddRange(await AccReads.RecordsAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, archived: true, mark), ct));

            var expected = dump.Reviews(projectId).Where(r => Timestamp(r.GetProperty("updatedAt").GetString()!) >= mark).ToList();
            Assert.True(expected.Count < dump.Reviews(projectId).Count(), "the filter leaves older reviews out");
            AccReads.AssertSameRecords(expected, changed, AccReads.Id);
            Assert.Superset(
                reviewChanges.Where(c => c.ProjectId == projectId).Select(c => c.Id).ToHashSet(),
                changed.Select(AccReads.Id).ToHashSet());
        }
    }

    private static DateTimeOffset Timestamp(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
