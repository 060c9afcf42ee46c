using System.Diagnostics;
using System.Globalization;
using Npgsql;
using OrleansSync.Backfills;
using OrleansSync.Emulator;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Upgrade;

/// <summary>
/// Writes a database of stored projects, as <see cref="StoredProjectUpgradeTests"/> loads it, from the code it runs on.
/// Run explicitly (<c>-method "*UpgradeFixtureMaker*" -explicit only</c>) on the commit whose stored state a later one
/// must read; it prints the ids the test names. Needs pg_dump on the PATH.
/// </summary>
public sealed class UpgradeFixtureMaker(ITestOutputHelper output)
{
    [Fact(Explicit = true)]
    public async Task MakeFixture()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(StoredProjectUpgradeTests.Upstream, ct);
        var cluster = await InProcessCluster.StartAsync(1, ct, SyncDriver.FastTasks, serviceId: StoredProjectUpgradeTests.ServiceId);
        var projectId = emulator.ProjectIds.Single();
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        var (run, tasks) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct);
        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));

        // A backfill of the busiest day and the next, the first failing for good: its review lists loop.
        var busiest = (await cluster.Database.ListAsync(
            "SELECT (updated_at AT TIME ZONE 'UTC')::date, count(*) FROM acc.reviews GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
            static r => DateOnly.FromDateTime(r.GetDateTime(0)),
            ct)).Single();
        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.NextUrlCycle, Query: $"filter[updatedAt]={BackfillIds.Day(busiest)}T00:00:00.000Z.."));
        var backfillId = BackfillIds.New(DateTimeOffset.UtcNow);
        var backfill = cluster.Client.GetGrain<IBackfillGrain>(backfillId);
        await backfill.StartAsync(new BackfillRequest(projectId, busiest, busiest.AddDays(1), "test"), ct);
        await Eventually.UntilAsync(async () => (await backfill.GetAsync(ct))!.FinishedAt is not null, TimeSpan.FromMinutes(1), "the backfill to end", ct);
        var ended = (await backfill.GetAsync(ct))!;
        Assert.Equal([SyncTaskStatus.Failed, SyncTaskStatus.Succeeded], ended.Days.Select(static d => d.Status));
        await Eventually.UntilAsync(
            async () => await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM sync.progress WHERE status IN ('succeeded', 'failed')", ct) == 6,
            TimeSpan.FromSeconds(30),
            "every task's terminal progress row",
            ct);

        await cluster.Cluster.StopAllSilosAsync(ct);
        var path = Path.Combine(Path.GetTempPath(), "acc-project-fixture.sql");
        await DumpAsync(cluster.Database, path, ct);
        await cluster.DisposeAsync();
        output.WriteLine($"{path}: project {projectId}, run {run.RunId}, backfill {backfillId}, failed day {BackfillIds.Day(busiest)}");
    }

    private static async Task DumpAsync(TestDatabase database, string path, CancellationToken ct)
    {
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var dump = new ProcessStartInfo("pg_dump") { RedirectStandardOutput = true, Environment = { ["PGPASSWORD"] = server.Password } };
        foreach (var argument in new[]
        {
            "--data-only", "--column-inserts", "--no-owner", "--no-privileges", "-h", server.Host!, "-p", server.Port.ToString(CultureInfo.InvariantCulture),
            "-U", server.Username!, "-d", server.Database!, "-t", "public.orleansstorage", "-t", "public.orleansreminderstable", "-t", "sync.*", "-t", "acc.*",
            "-T", "sync.migrations",
        })
        {
            dump.ArgumentList.Add(argument);
        }

        using var process = Process.Start(dump)!;
        var text = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.Equal(0, process.ExitCode);
        // psql's meta-commands (\restrict) are not SQL: the test runs the file through Npgsql.
        var lines = text.Split('\n').Where(static l => !l.StartsWith('\\'));
        await File.WriteAllTextAsync(path, string.Join('\n', lines), ct);
    }
}
