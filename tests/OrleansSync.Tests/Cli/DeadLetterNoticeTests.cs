using OrleansSync.Client.Syncing;
using OrleansSync.Tasks;

namespace OrleansSync.Tests.Cli;

/// <summary>The line <c>sync --wait</c> prints after a run that dead-lettered records (the run itself needs a cluster).</summary>
public sealed class DeadLetterNoticeTests
{
    [Fact]
    public void Describe_TasksWithDeadLetters_TotalPerStreamAndCommand()
    {
        TaskView[] tasks = [View("reviews", 9), View("workflows", 0), View("review_versions", 2), View("review_versions", 1)];

        var line = DeadLetterNotice.Describe("p-1", tasks);

        Assert.Equal("12 records were dead-lettered (review_versions 3, reviews 9): orleanssync deadletter list --project p-1", line);
        Assert.Equal(12, DeadLetterNotice.Total(tasks));
    }

    [Fact]
    public void Describe_OneDeadLetter_Singular()
    {
        Assert.Equal(
            "1 record was dead-lettered (workflows 1): orleanssync deadletter list --project p-1",
            DeadLetterNotice.Describe("p-1", [View("workflows", 1), View("reviews", 0)]));
    }

    [Fact]
    public void Describe_NoDeadLetters_Null()
    {
        TaskView[] tasks = [View("workflows", 0), View("reviews", 0)];

        Assert.Null(DeadLetterNotice.Describe("p-1", tasks));
        Assert.Equal(0, DeadLetterNotice.Total(tasks));
    }

    private static TaskView View(string stream, long deadLettered) => new(
        new SyncTaskSpec($"t-{stream}-{Guid.NewGuid():N}", "p-1", stream, "run-1", false, "http://127.0.0.1:9", "c", "ORLEANSSYNC_SECRET_UNUSED", null),
        SyncTaskStatus.Succeeded,
        TaskProgress.Zero with { RecordsRead = 20, DeadLettered = deadLettered },
        DateTimeOffset.UtcNow,
        DateTimeOffset.UtcNow,
        DateTimeOffset.UtcNow,
        1,
        [],
        "silo-0",
        1);
}
