using Npgsql;
using OrleansSync.Pipeline;
using OrleansSync.Sources.Acc;
using static OrleansSync.Tests.Mirror.AccRecords;

namespace OrleansSync.Tests.Mirror;

public sealed class CheckpointTests
{
    private const string TaskId = "task-reviews-3";
    private const string RunId = "20241107T100000000Z-abcdef";

    [Fact]
    public async Task WriteReviews_WithCheckpoint_CommitsCheckpointWithPage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var checkpoint = new Checkpoint(ProjectId, StreamNames.Reviews, TaskId, RunId, 3, """{"offset": 50, "updatedSince": "2024-11-06T00:00:00Z"}""");

        await test.Writer.WriteReviewsAsync(ProjectId, [Review(1, "2024-11-07T10:00:00.000Z").ToElement()], checkpoint, TaskId, ct);

        var read = await test.Writer.ReadCheckpointAsync(BareProjectId, StreamNames.Reviews, ct);
        Assert.NotNull(read);
        Assert.Equal((BareProjectId, StreamNames.Reviews, TaskId, RunId, 3L), (read.ProjectId, read.Stream, read.TaskId, read.RunId, read.Position));
        Assert.True(await test.Database.ScalarAsync<bool>("SELECT cursor = @json::jsonb AND updated_at = @now FROM sync.checkpoints", ct,
            ("json", checkpoint.CursorJson), ("now", test.Clock.Now)));
        Assert.Null(await test.Writer.ReadCheckpointAsync(ProjectId, StreamNames.Workflows, ct));
    }

    [Fact]
    public async Task WriteReviews_PageFailsInTransaction_WritesNeitherRecordsNorDeadLettersNorCheckpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        // The checkpoint is the page's last statement: failing there proves the records before it roll back too.
        await test.Database.ScalarAsync<object>(
            """
            CREATE FUNCTION sync.refuse_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'checkpoint refused by test'; END $$;
            CREATE TRIGGER refuse_checkpoint BEFORE INSERT OR UPDATE ON sync.checkpoints
                FOR EACH ROW EXECUTE FUNCTION sync.refuse_checkpoint();
            """, ct);
        var noId = Review(2, "2024-11-07T10:00:00.000Z");
        noId.Remove("id");
        var page = new[] { Review(1, "2024-11-07T10:00:00.000Z").ToElement(), noId.ToElement() };
        var checkpoint = new Checkpoint(ProjectId, StreamNames.Reviews, TaskId, RunId, 1, """{"offset":50}""");

        var error = await Assert.ThrowsAsync<PostgresException>(() => test.Writer.WriteReviewsAsync(ProjectId, page, checkpoint, TaskId, ct));

        Assert.Contains("checkpoint refused by test", error.MessageText, StringComparison.Ordinal);
        Assert.Equal(0, await test.CountAsync("acc.reviews", ct));
        Assert.Equal(0, await test.CountAsync("sync.dead_letters", ct));
        Assert.Equal(0, await test.CountAsync("sync.checkpoints", ct));

        await test.Database.ScalarAsync<object>("DROP TRIGGER refuse_checkpoint ON sync.checkpoints", ct);
        var retried = await test.Writer.WriteReviewsAsync(ProjectId, page, checkpoint, TaskId, ct);
        Assert.Equal(new PageWriteResult(1, 0, 0, 1), retried.Page);
        Assert.Equal(1, await test.CountAsync("sync.checkpoints", ct));
    }

    [Fact]
    public async Task WriteCheckpoint_Standalone_OverwritesAndReadsBack()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        await test.Writer.WriteCheckpointAsync(new Checkpoint(ProjectId, StreamNames.Workflows, "task-a", RunId, 1, """{"status":"ACTIVE","offset":0}"""), ct);
        test.Clock.Now += TimeSpan.FromSeconds(30);

        await test.Writer.WriteCheckpointAsync(new Checkpoint(BareProjectId, StreamNames.Workflows, "task-b", RunId, 2, """{"status":"INACTIVE","offset":0}"""), ct);

        var read = await test.Writer.ReadCheckpointAsync(ProjectId, StreamNames.Workflows, ct);
        Assert.NotNull(read);
        Assert.Equal(("task-b", 2L), (read.TaskId, read.Position));
        Assert.True(await test.Database.ScalarAsync<bool>("SELECT cursor = @json::jsonb FROM sync.checkpoints", ct, ("json", """{"offset":0,"status":"INACTIVE"}""")));
        Assert.Equal(test.Clock.Now.UtcDateTime, await test.Database.ScalarAsync<DateTime>("SELECT updated_at FROM sync.checkpoints", ct));
        Assert.Equal(1, await test.CountAsync("sync.checkpoints", ct));
    }

    [Fact]
    public async Task WriteReviews_CheckpointNotAheadOfStoredInSameRun_RefusedAndPageRolledBack()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        await test.Writer.WriteReviewsAsync(ProjectId, [Review(1, "2024-11-07T10:00:00.000Z").ToElement()], new Checkpoint(ProjectId, StreamNames.Reviews, TaskId, RunId, 5, """{"page":5}"""), TaskId, ct);

        // A stale activation of the same run lands its page 4 (and, a duplicate, page 5 again): both are refused whole.
        foreach (var position in new long[] { 4, 5 })
        {
            var stale = new Checkpoint(ProjectId, StreamNames.Reviews, TaskId, RunId, position, """{"page":"stale"}""");
            var error = await Assert.ThrowsAsync<StaleCheckpointException>(() =>
                test.Writer.WriteReviewsAsync(ProjectId, [Review(2, "2024-11-07T11:00:00.000Z").ToElement()], stale, TaskId, ct));
            Assert.Equal(position, error.Checkpoint.Position);
        }

        Assert.Equal(1, await test.CountAsync("acc.reviews", ct));
        var stored = await test.Writer.ReadCheckpointAsync(ProjectId, StreamNames.Reviews, ct);
        Assert.Equal((5L, """{"page": 5}"""), (stored!.Position, stored.CursorJson));
        await Assert.ThrowsAsync<StaleCheckpointException>(() =>
            test.Writer.WriteCheckpointAsync(new Checkpoint(ProjectId, StreamNames.Reviews, TaskId, RunId, 3, "{}"), ct));

        // A new run starts from its own position 1; so does the next page of the same run at 6.
        await test.Writer.WriteCheckpointAsync(new Checkpoint(ProjectId, StreamNames.Reviews, TaskId, RunId, 6, """{"page":6}"""), ct);
        await test.Writer.WriteCheckpointAsync(new Checkpoint(ProjectId, StreamNames.Reviews, "task-next", "20241108T000000000Z-123456", 1, """{"page":1}"""), ct);
        var next = await test.Writer.ReadCheckpointAsync(ProjectId, StreamNames.Reviews, ct);
        Assert.Equal(("task-next", 1L), (next!.TaskId, next.Position));
    }

    [Fact]
    public async Task WriteReviews_CheckpointOfAnotherStream_ThrowsBeforeWriting()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var checkpoint = new Checkpoint(ProjectId, StreamNames.Workflows, TaskId, RunId, 1, "{}");

        await Assert.ThrowsAsync<ArgumentException>(() =>
            test.Writer.WriteReviewsAsync(ProjectId, [Review(1, "2024-11-07T10:00:00.000Z").ToElement()], checkpoint, TaskId, ct));

        Assert.Equal(0, await test.CountAsync("acc.reviews", ct));
    }
}
