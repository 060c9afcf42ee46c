using OrleansSync.Progress;
using OrleansSync.Sources.Acc;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Progress;

/// <summary>
/// A progress row PostgreSQL refuses is never dropped: it lands without its errors, or stays with the writer (and the
/// task hears its end is not written) until it lands; the other rows are written meanwhile.
/// </summary>
public sealed class ProgressRefusalTests
{
    private static readonly DateTimeOffset Started = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReportAsync_TerminalRowRefusedForItsErrors_LandsWithoutThemBesideTheOthers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct);
        // A rule on the table refuses this one error's text, as PostgreSQL refuses text it cannot hold.
        await cluster.Database.ScalarAsync<object>(
            """
            CREATE FUNCTION sync.refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.errors::text LIKE '%poison%' THEN RAISE EXCEPTION 'refused by the test' USING ERRCODE = '22023'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON sync.progress FOR EACH ROW EXECUTE FUNCTION sync.refuse_poison();
            """,
            ct);
        var running = View("task-running", SyncTaskStatus.Running, sequence: 3, error: null);
        var failed = View("task-failed", SyncTaskStatus.Failed, sequence: 7, error: "poison pill from upstream");

        await WriterOf(cluster, running).ReportAsync(running, ct);
        await WriterOf(cluster, failed).ReportAsync(failed, ct);
        await WriterOf(cluster, running).FlushAsync(ct);

        var rows = await cluster.Database.ListAsync(
            "SELECT task_id, status, progress_seq, last_error FROM sync.progress ORDER BY task_id",
            static r => (Task: r.GetString(0), Status: r.GetString(1), Sequence: r.GetInt64(2), LastError: r.IsDBNull(3) ? null : r.GetString(3)),
            ct);
        Assert.Equal([("task-failed", "failed", 7L), ("task-running", "running", 3L)], rows.Select(static r => (r.Task, r.Status, r.Sequence)));
        Assert.StartsWith("This progress row was written without its errors. PostgreSQL refused it (SQLSTATE 22023): refused by the test", rows[0].LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportAsync_TerminalRowRefusedWhole_TaskHearsItAndTheWriterRetriesUntilItLands()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct);
        // One task's rows are refused for as long as the rule stands, whatever they hold.
        await cluster.Database.ScalarAsync<object>(
            """
            CREATE TABLE sync.refused_tasks (task_id text PRIMARY KEY);
            INSERT INTO sync.refused_tasks VALUES ('task-refused');
            CREATE FUNCTION sync.refuse_task() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM sync.refused_tasks WHERE task_id = NEW.task_id) THEN
                    RAISE EXCEPTION 'refused by the test' USING ERRCODE = '23514';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_task BEFORE INSERT OR UPDATE ON sync.progress FOR EACH ROW EXECUTE FUNCTION sync.refuse_task();
            """,
            ct);
        var refused = View("task-refused", SyncTaskStatus.Succeeded, sequence: 9, error: null);
        var other = View("task-other", SyncTaskStatus.Succeeded, sequence: 4, error: null);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => WriterOf(cluster, refused).ReportAsync(refused, ct));
        await WriterOf(cluster, other).ReportAsync(other, ct);

        Assert.Contains("refused the terminal progress row of task task-refused", error.Message, StringComparison.Ordinal);
        Assert.Equal(["task-other"], await cluster.Database.ListAsync("SELECT task_id FROM sync.progress", static r => r.GetString(0), ct));
        Assert.Equal(1, (await cluster.SiloGrains.GetGrain<IProgressWriterGrain>(ProgressBuckets.For(refused.Spec.TaskId)).GetStatsAsync(ct)).Pending);

        // The rule goes: the writer's own retry lands the row, with no new report from the task.
        await cluster.Database.ScalarAsync<object>("DELETE FROM sync.refused_tasks", ct);
        await Eventually.UntilAsync(
            async () => await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM sync.progress WHERE task_id = 'task-refused' AND status = 'succeeded' AND progress_seq = 9", ct) == 1,
            PendingRetryBound,
            "the refused row, retried by its writer",
            ct);
    }

    [Fact]
    public async Task ReportAsync_PostgresFailsForNoDataReason_KeepsEveryRowAndWritesThemOnceItAnswers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct);
        // Every progress write fails as a server shutting down does (57P01), until the test lets them through.
        await cluster.Database.ScalarAsync<object>(
            """
            CREATE TABLE sync.shutting_down (since timestamptz);
            INSERT INTO sync.shutting_down VALUES (now());
            CREATE FUNCTION sync.shut_down() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM sync.shutting_down) THEN
                    RAISE EXCEPTION 'terminating connection due to administrator command' USING ERRCODE = '57P01';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER shut_down BEFORE INSERT OR UPDATE ON sync.progress FOR EACH ROW EXECUTE FUNCTION sync.shut_down();
            """,
            ct);
        var running = View("task-running", SyncTaskStatus.Running, sequence: 2, error: null);
        var cancelled = View("task-cancelled", SyncTaskStatus.Cancelled, sequence: 5, error: null);

        await WriterOf(cluster, running).ReportAsync(running, ct);
        await Assert.ThrowsAnyAsync<Exception>(() => WriterOf(cluster, cancelled).ReportAsync(cancelled, ct));
        await Assert.ThrowsAnyAsync<Exception>(() => WriterOf(cluster, running).FlushAsync(ct));

        Assert.Equal(0, await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM sync.progress", ct));
        await cluster.Database.ScalarAsync<object>("DELETE FROM sync.shutting_down", ct);
        await Eventually.UntilAsync(
            async () => await cluster.Database.ScalarAsync<long>(
                "SELECT count(*) FROM sync.progress WHERE (task_id, status, progress_seq) IN (('task-running', 'running', 2), ('task-cancelled', 'cancelled', 5))", ct) == 2,
            PendingRetryBound,
            "both rows, written by their writers' own retries",
            ct);
    }

    // A writer tries again after 0.5 s doubling up to 10 s while PostgreSQL fails, and a refused row after 1 s, 2 s, 4 s…:
    // several tries fit in this.
    private static readonly TimeSpan PendingRetryBound = TimeSpan.FromSeconds(30);

    private static IProgressWriterGrain WriterOf(InProcessCluster cluster, TaskView view) =>
        cluster.SiloGrains.GetGrain<IProgressWriterGrain>(ProgressBuckets.For(view.Spec.TaskId));

    private static TaskView View(string taskId, SyncTaskStatus status, long sequence, string? error) => new(
        new SyncTaskSpec(taskId, "p-1", StreamNames.Reviews, "run-1", false, "http://127.0.0.1:9", "client", "ORLEANSSYNC_SECRET_UNUSED", null),
        status,
        new TaskProgress(2, 100, 60, 20, 20, 0, 100, 3),
        Started,
        Started.AddMinutes(1),
        status.IsTerminal() ? Started.AddMinutes(1) : null,
        1,
        error is null ? [] : [new TaskError(Started.AddSeconds(30), 1, error)],
        "silo-test",
        sequence);
}
