using OrleansSync.Backfills;
using OrleansSync.Retention;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Progress;

/// <summary>Retention deletes finished progress, finished runs, resolved dead letters and backfill checkpoints past the keep time, and nothing else.</summary>
public sealed class RetentionTests
{
    [Fact]
    public async Task Clean_DeletesOnlyFinishedAndResolvedRowsOlderThanKeep()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct, new Dictionary<string, string?> { ["OrleansSync:Retention:Keep"] = "7.00:00:00" });
        var database = cluster.Database;
        await database.ScalarAsync<int>("""
            INSERT INTO sync.progress (task_id, project_id, stream, status, started_at, updated_at, finished_at) VALUES
                ('old-done', 'p', 'reviews', 'succeeded', now() - interval '9 days', now() - interval '9 days', now() - interval '9 days'),
                ('old-failed', 'p', 'reviews', 'failed', now() - interval '9 days', now() - interval '9 days', now() - interval '8 days'),
                ('recent-done', 'p', 'reviews', 'succeeded', now() - interval '2 days', now() - interval '2 days', now() - interval '2 days'),
                ('old-paused', 'p', 'reviews', 'paused', now() - interval '9 days', now() - interval '9 days', NULL);
            INSERT INTO sync.runs (run_id, project_id, kind, trigger, status, started_at, finished_at) VALUES
                ('old-run', 'p', 'sync', 'cli', 'succeeded', now() - interval '9 days', now() - interval '9 days'),
                ('old-skip', 'p', 'sync', 'schedule', 'skipped', now() - interval '9 days', now() - interval '9 days'),
                ('recent-run', 'p', 'sync', 'cli', 'failed', now() - interval '1 day', now() - interval '1 day'),
                ('old-running', 'p', 'sync', 'cli', 'running', now() - interval '9 days', NULL);
            INSERT INTO sync.dead_letters (project_id, stream, record_key, raw, raw_sha256, reason, first_seen_at, last_seen_at, resolved_at) VALUES
                ('p', 'reviews', 'r1', '{}', 'a', 'bad', now() - interval '20 days', now() - interval '20 days', now() - interval '9 days'),
                ('p', 'reviews', 'r2', '{}', 'b', 'bad', now() - interval '20 days', now() - interval '20 days', NULL),
                ('p', 'reviews', 'r3', '{}', 'c', 'bad', now() - interval '20 days', now() - interval '20 days', now() - interval '1 day');
            INSERT INTO sync.checkpoints (project_id, stream, scope, cursor, updated_at) VALUES
                ('p', 'reviews', '', '{}', now() - interval '90 days'),
                ('p', 'reviews', 'backfill:bf-1:2026-01-01', '{}', now() - interval '9 days'),
                ('p', 'reviews', 'backfill:bf-2:2026-01-01', '{}', now() - interval '1 day');
            SELECT 1;
            """, ct);

        var result = await cluster.SiloGrains.GetGrain<IRetentionGrain>(0).CleanAsync(ct);

        Assert.Equal(new RetentionResult(2, 2, 1, 1), result);
        Assert.Equal(["old-paused", "recent-done"], await database.ListAsync("SELECT task_id FROM sync.progress ORDER BY task_id", static r => r.GetString(0), ct));
        Assert.Equal(["old-running", "recent-run"], await database.ListAsync("SELECT run_id FROM sync.runs ORDER BY run_id", static r => r.GetString(0), ct));
        Assert.Equal(["r2", "r3"], await database.ListAsync("SELECT record_key FROM sync.dead_letters ORDER BY record_key", static r => r.GetString(0), ct));
        Assert.Equal(["", "backfill:bf-2:2026-01-01"], await database.ListAsync("SELECT scope FROM sync.checkpoints ORDER BY scope", static r => r.GetString(0), ct));
        // Every silo makes sure the cleaning is scheduled.
        await Eventually.UntilAsync(
            async () => await database.ScalarAsync<long>("SELECT count(*) FROM orleansreminderstable WHERE remindername = 'retention'", ct) == 1,
            TimeSpan.FromSeconds(30),
            "the retention reminder",
            ct);
    }

    [Fact]
    public async Task Clean_BackfillDayPausedOrWaiting_KeepsItsCheckpointHoweverOld()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct, new Dictionary<string, string?> { ["OrleansSync:Retention:Keep"] = "7.00:00:00" });
        var database = cluster.Database;
        DateOnly first = new(2026, 1, 1), second = new(2026, 1, 2), third = new(2026, 1, 3);
        // Day 1 of bf-a is paused; day 2 failed and its retry (attempt 2) waits for its next attempt; day 3 succeeded.
        // bf-b's day 1 has no unfinished task: bf-a's paused day 1, the same day of another backfill, does not keep it.
        (string Task, string Backfill, string Status)[] tasks =
        [
            (BackfillIds.DayTask("p", "bf-a", first, 1), "bf-a", "paused"),
            (BackfillIds.DayTask("p", "bf-a", second, 1), "bf-a", "failed"),
            (BackfillIds.DayTask("p", "bf-a", second, 2), "bf-a", "waiting"),
            (BackfillIds.DayTask("p", "bf-a", third, 1), "bf-a", "succeeded"),
            (BackfillIds.DayTask("p", "bf-b", first, 1), "bf-b", "succeeded"),
        ];
        foreach (var (task, backfill, status) in tasks)
        {
            await database.ScalarAsync<int>(
                """
                INSERT INTO sync.progress (task_id, project_id, stream, status, kind, backfill_id, started_at, updated_at, finished_at)
                VALUES (@task, 'p', 'backfill', @status, 'backfill', @backfill, now() - interval '40 days', now() - interval '30 days',
                    CASE WHEN @status IN ('failed', 'succeeded') THEN now() - interval '1 day' END);
                SELECT 1;
                """,
                ct,
                ("task", task),
                ("status", status),
                ("backfill", backfill));
        }

        await database.ScalarAsync<int>("""
            INSERT INTO sync.checkpoints (project_id, stream, scope, cursor, updated_at) VALUES
                ('p', 'backfill', 'backfill:bf-a:2026-01-01', '{}', now() - interval '30 days'),
                ('p', 'backfill', 'backfill:bf-a:2026-01-02', '{}', now() - interval '30 days'),
                ('p', 'backfill', 'backfill:bf-a:2026-01-03', '{}', now() - interval '30 days'),
                ('p', 'backfill', 'backfill:bf-b:2026-01-01', '{}', now() - interval '30 days');
            SELECT 1;
            """, ct);

        var result = await cluster.SiloGrains.GetGrain<IRetentionGrain>(0).CleanAsync(ct);

        Assert.Equal(new RetentionResult(0, 0, 0, 2), result);
        Assert.Equal(
            ["backfill:bf-a:2026-01-01", "backfill:bf-a:2026-01-02"],
            await database.ListAsync("SELECT scope FROM sync.checkpoints ORDER BY scope", static r => r.GetString(0), ct));
    }
}
