using OrleansSync.Emulator;
using OrleansSync.Progress;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Progress;

/// <summary>
/// Progress at scale: the writer writes a task's row once per N of its reports (terminal rows at once), many rows per
/// statement, and a task writes its grain state when its status changes, not per page.
/// </summary>
public sealed class ProgressScalingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sync_WithNFive_RowWritesAtMostUpdatesOverFivePlusTerminalRows_AndGrainStateFollowsStatusNotPages()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 111, Projects = 3, ReviewsPerProject = 40, WorkflowsPerProject = 3, VersionsPerReview = 1, ProgressStepsPerReview = 1, ArchivedShare = 0.1 },
                RateLimits = RateLimitOptions.Unlimited,
            },
            ct);
        var configuration = new Dictionary<string, string?>(SyncDriver.FastTasks)
        {
            ["OrleansSync:Acc:PageSize"] = "5",
            ["OrleansSync:Progress:EveryUpdates"] = "5",
            // Long enough that rows are written by count, not by time, in this test.
            ["OrleansSync:Progress:FlushInterval"] = "00:01:00",
            // A run slot for each of the 12 tasks: a task that waits for a slot also writes its Queued status, and how
            // many wait depends on the machine's speed, which the grain-state bound below must not.
            ["OrleansSync:Placement:MaxRunningPerSilo"] = "12",
        };
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct, configuration);
        var before = await ProgressTupleWritesAsync(cluster.Database, ct);

        await SyncDriver.AddProjectsAsync(cluster.Client, emulator, ct);
        var runs = await SyncDriver.WaitForRunsAsync(cluster.Client, await SyncDriver.StartRunsAsync(cluster.Client, emulator.ProjectIds, ct), ct);

        var tasks = runs.SelectMany(static r => r.Tasks).ToList();
        Assert.All(runs, r => Assert.True(r.Run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(r.Tasks)));
        var stats = await WriterStatsAsync(cluster.Client, ct);
        var pages = tasks.Sum(static t => t.Progress.Pages);
        // Every progress row is in PostgreSQL and final.
        await Eventually.UntilAsync(
            async () => await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM sync.progress WHERE status = 'succeeded' AND percent = 100", ct) == tasks.Count,
            TimeSpan.FromSeconds(10),
            "every task's terminal row",
            ct);
        // PostgreSQL's statistics lag a little behind its commits: read them until they show every row written.
        var tupleWrites = 0L;
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline && tupleWrites < stats.RowsWritten; await Task.Delay(200, ct))
        {
            tupleWrites = await ProgressTupleWritesAsync(cluster.Database, ct) - before;
        }

        output.WriteLine(
            $"{tasks.Count} tasks, {pages} pages: {stats.Updates} progress updates, {stats.RowsWritten} rows written in {stats.Statements} statements; " +
            $"pg_stat_user_tables inserts+updates on sync.progress {tupleWrites}");
        Assert.True(stats.Updates >= pages, $"every page is reported ({stats.Updates} updates for {pages} pages)");
        var bound = (stats.Updates / 5) + tasks.Count;
        Assert.True(stats.RowsWritten <= bound, $"{stats.RowsWritten} rows written for {stats.Updates} updates and {tasks.Count} terminal rows (bound {bound})");
        Assert.True(tupleWrites <= bound, $"PostgreSQL counted {tupleWrites} row writes (bound {bound})");
        Assert.True(tupleWrites > 0, "PostgreSQL counted the progress writes");
        Assert.True(stats.Statements < stats.RowsWritten, $"{stats.Statements} statements carried {stats.RowsWritten} rows: several rows per statement");

        // Grain-state writes follow status changes (start, running, the end, the project told), not pages.
        var writes = await cluster.Database.ListAsync(
            "SELECT grainidextensionstring, version FROM orleansstorage WHERE graintypestring = 'task'",
            static r => (TaskId: r.GetString(0), Version: r.GetInt32(1)),
            ct);
        Assert.Equal(tasks.Count, writes.Count);
        foreach (var (taskId, version) in writes)
        {
            var task = tasks.Single(t => t.Spec.TaskId == taskId);
            output.WriteLine($"{task.Spec.Stream}: {task.Progress.Pages} pages, {version} grain-state writes");
            Assert.InRange(version, 1, 5);
        }

        Assert.Contains(tasks, static t => t.Progress.Pages >= 10);
    }

    /// <summary>Inserts plus updates PostgreSQL has counted on sync.progress.</summary>
    private static async Task<long> ProgressTupleWritesAsync(TestDatabase database, CancellationToken ct) =>
        await database.ScalarAsync<long>("SELECT n_tup_ins + n_tup_upd FROM pg_stat_user_tables WHERE schemaname = 'sync' AND relname = 'progress'", ct);

    public static async Task<ProgressWriterStats> WriterStatsAsync(IClusterClient client, CancellationToken ct)
    {
        long updates = 0, rows = 0, statements = 0;
        for (var bucket = 0; bucket < ProgressBuckets.Count; bucket++)
        {
            var s = await client.GetGrain<IProgressWriterGrain>(bucket).GetStatsAsync(ct);
            (updates, rows, statements) = (updates + s.Updates, rows + s.RowsWritten, statements + s.Statements);
        }

        return new ProgressWriterStats(updates, rows, statements, 0, "all");
    }
}
