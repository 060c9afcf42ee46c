using OrleansSync.Sources.Acc;
using static OrleansSync.Tests.Mirror.AccRecords;

namespace OrleansSync.Tests.Mirror;

/// <summary>The open dead letters a run retries: bounded, least recently retried first, resolved ones never.</summary>
public sealed class DeadLetterRetryTests
{
    private const string TaskId = "task-reviews-retry";

    [Fact]
    public async Task TakeDeadLettersToRetry_ThreeOpenLimitTwo_TakesTheNeverRetriedFirstThenTakesTurns()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var bad = Enumerable.Range(1, 3).Select(n => Review(n, "2024-11-11T09:00:00.000Z")).ToList();
        foreach (var review in bad)
        {
            review["status"] = 7;
        }

        await test.Writer.WriteReviewsAsync(ProjectId, [.. bad.Select(static r => r.ToElement())], null, TaskId, ct);

        var first = await test.Writer.TakeDeadLettersToRetryAsync(ProjectId, StreamNames.Reviews, 2, ct);
        test.Clock.Now = test.Clock.Now.AddMinutes(1);
        var second = await test.Writer.TakeDeadLettersToRetryAsync(ProjectId, StreamNames.Reviews, 2, ct);

        // The one left out of the first two goes first the next time; then one already retried once.
        Assert.Equal(2, first.Count);
        Assert.Equal(2, second.Count);
        var left = Assert.Single(Enumerable.Range(1, 3).Select(ReviewId).Except(first));
        Assert.Contains(left, second);
        Assert.Equal(3, first.Union(second).Count());
        Assert.Empty(await test.Writer.TakeDeadLettersToRetryAsync(ProjectId, StreamNames.Workflows, 2, ct));
    }

    [Fact]
    public async Task TakeDeadLettersToRetry_RecordLandedSince_NotTakenAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var bad = Review(1, "2024-11-11T09:00:00.000Z");
        bad["status"] = 7;
        await test.Writer.WriteReviewsAsync(ProjectId, [bad.ToElement()], null, TaskId, ct);

        await test.Writer.WriteReviewsAsync(ProjectId, [Review(1, "2024-11-11T09:00:00.000Z").ToElement()], null, TaskId, ct);

        Assert.Empty(await test.Writer.TakeDeadLettersToRetryAsync(ProjectId, StreamNames.Reviews, 10, ct));
    }
}
