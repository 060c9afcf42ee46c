using System.Text.Json;
using OrleansSync.Backfills;
using OrleansSync.Emulator;
using OrleansSync.Tasks;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Backfills;

/// <summary>
/// Backfills against the emulator: one task per UTC day, exactly the reviews updated in the range (active and archived,
/// with their children), a failed day retried alone, and the live high-water mark left where it was.
/// </summary>
public sealed class BackfillTests(BackfillFixture fixture, ITestOutputHelper output) : IClassFixture<BackfillFixture>
{
    [Fact]
    public async Task BackfillWait_SevenDays_SevenTasksAndTheMirrorHoldsExactlyTheReviewsUpdatedInRange()
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(fixture.Cluster.Client, fixture.Emulator, projectId, ct);
        var (from, to, inRange, reviews) = await fixture.BusiestWeekAsync(projectId, ct);

        var result = await Infrastructure.Cli.RunAsync(
            fixture.CliEnvironment, ct, "backfill", projectId, "--from", BackfillIds.Day(from), "--to", BackfillIds.Day(to), "--wait", "--json");

        Assert.True(result.ExitCode == 0, result.StdErr + result.StdOut);
        using var report = JsonDocument.Parse(result.StdOut);
        var backfillId = report.RootElement.GetProperty("backfillId").GetString()!;
        Assert.Equal("succeeded", report.RootElement.GetProperty("status").GetString());
        Assert.Equal(100, report.RootElement.GetProperty("percent").GetDouble());
        Assert.Equal(7, report.RootElement.GetProperty("days").GetArrayLength());
        var view = (await fixture.Cluster.Client.GetGrain<IBackfillGrain>(backfillId).GetAsync(ct))!;
        Assert.Equal(Enumerable.Range(0, 7).Select(from.AddDays), view.Days.Select(static d => d.Day));
        Assert.All(view.Days, static d => Assert.Equal((SyncTaskStatus.Succeeded, 1), (d.Status, d.Tasks)));
        Assert.Equal(7, view.Days.Select(static d => d.TaskId).Distinct().Count());
        Assert.Equal(7, await fixture.Cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM sync.progress WHERE project_id = @p AND stream = 'backfill'", ct, ("p", projectId)));

        var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, fixture.Emulator, projectId, ct, inRange);
        Assert.True((differences.Reviews, differences.Versions, differences.Progress) == (0, 0, 0), MirrorComparison.Describe(differences));
        Assert.Equal(reviews, differences.ExpectedReviews);
        Assert.Equal(1, await fixture.Cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM sync.runs WHERE run_id = @id AND kind = 'backfill' AND status = 'succeeded' AND tasks = 7", ct, ("id", backfillId)));
        output.WriteLine($"{BackfillIds.Day(from)}..{BackfillIds.Day(to)}: {reviews} reviews in {result.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task Backfill_AfterALiveSync_LeavesTheLiveHighWaterMarkWhereItWas()
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[1];
        await SyncDriver.AddProjectAsync(fixture.Cluster.Client, fixture.Emulator, projectId, ct);
        var (run, tasks) = await SyncDriver.SyncToEndAsync(fixture.Cluster.Client, projectId, full: false, ct);
        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var before = await LiveCheckpointsAsync(projectId, ct);
        var (from, to, _, _) = await fixture.BusiestWeekAsync(projectId, ct);

        var started = await fixture.Cluster.Client.GetGrain<IBackfillGrain>(BackfillIds.New(DateTimeOffset.UtcNow))
            .StartAsync(new BackfillRequest(projectId, from, to, "test"), ct);
        var view = await fixture.WaitForBackfillAsync(started.BackfillId, ct);

        Assert.Equal(SyncTaskStatus.Succeeded, view.Status);
        Assert.Equal(before, await LiveCheckpointsAsync(projectId, ct));
        Assert.Contains("\"done\": true", before.Single(static c => c.StartsWith("reviews ", StringComparison.Ordinal)), StringComparison.Ordinal);
        // Each day kept its own checkpoints, one per stream it read.
        Assert.Equal(21, await fixture.Cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM sync.checkpoints WHERE project_id = @p AND scope LIKE 'backfill:' || @id || ':%'", ct, ("p", projectId), ("id", view.BackfillId)));
        var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, fixture.Emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
    }

    [Fact]
    public async Task Backfill_OneDayFails_TheOthersSucceedAndTheDayRetriedAloneEndsExact()
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[2];
        await SyncDriver.AddProjectAsync(fixture.Cluster.Client, fixture.Emulator, projectId, ct);
        var (from, to, inRange, _) = await fixture.BusiestWeekAsync(projectId, ct);
        var failing = from.AddDays(0);
        // Only that day's review lists loop (a permanent failure); every other day's answers are sound.
        fixture.Emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.NextUrlCycle, Query: $"filter[updatedAt]={BackfillIds.Day(failing)}T00:00:00.000Z.."));
        Infrastructure.Cli.Result first;
        try
        {
            first = await Infrastructure.Cli.RunAsync(
                fixture.CliEnvironment, ct, "backfill", projectId, "--from", BackfillIds.Day(from), "--to", BackfillIds.Day(to), "--wait", "--json");
        }
        finally
        {
            fixture.Emulator.ClearHostile();
        }

        Assert.True(first.ExitCode == 1, first.StdErr + first.StdOut);
        using var report = JsonDocument.Parse(first.StdOut);
        var backfillId = report.RootElement.GetProperty("backfillId").GetString()!;
        var grain = fixture.Cluster.Client.GetGrain<IBackfillGrain>(backfillId);
        var failed = (await grain.GetAsync(ct))!;
        Assert.Equal(SyncTaskStatus.Failed, failed.Status);
        Assert.Equal([failing], failed.Days.Where(static d => d.Status == SyncTaskStatus.Failed).Select(static d => d.Day));
        Assert.Equal(6, failed.Days.Count(static d => d.Status == SyncTaskStatus.Succeeded));
        Assert.Contains("leads back to offset 0", failed.Days[0].Final!.Errors[^1].Message, StringComparison.Ordinal);
        var shown = await Infrastructure.Cli.RunAsync(fixture.CliEnvironment, ct, "backfill", "show", backfillId, "--json");
        Assert.True(shown.ExitCode == 0, shown.StdErr);
        Assert.Equal("failed", JsonDocument.Parse(shown.StdOut).RootElement.GetProperty("days")[0].GetProperty("status").GetString());

        // The day's task is the backfill's to retry: 'task retry' refuses it and names the command that does it.
        var taskRetry = await Infrastructure.Cli.RunAsync(fixture.CliEnvironment, ct, "task", "retry", failed.Days[0].TaskId!);
        Assert.True(taskRetry.ExitCode == 2, taskRetry.StdErr + taskRetry.StdOut);
        Assert.Contains($"retry the day with 'orleanssync backfill retry {backfillId} --day {BackfillIds.Day(failing)}'", taskRetry.StdErr, StringComparison.Ordinal);
        Assert.Equal(SyncTaskStatus.Failed, (await fixture.Cluster.Client.GetGrain<ISyncTaskGrain>(failed.Days[0].TaskId!).GetAsync(ct))!.Status);

        var retried = await Infrastructure.Cli.RunAsync(fixture.CliEnvironment, ct, "backfill", "retry", backfillId, "--day", BackfillIds.Day(failing), "--wait", "--json");

        Assert.True(retried.ExitCode == 0, retried.StdErr + retried.StdOut);
        var after = (await grain.GetAsync(ct))!;
        Assert.Equal(SyncTaskStatus.Succeeded, after.Status);
        Assert.Equal((SyncTaskStatus.Succeeded, 2), (after.Days[0].Status, after.Days[0].Tasks));
        Assert.NotEqual(failed.Days[0].TaskId, after.Days[0].TaskId);
        // Only that day ran again: every other day kept its one task and how it ended.
        Assert.Equal(failed.Days.Skip(1).Select(static d => (d.TaskId, d.Tasks, d.Final!.FinishedAt)), after.Days.Skip(1).Select(static d => (d.TaskId, d.Tasks, d.Final!.FinishedAt)));
        var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, fixture.Emulator, projectId, ct, inRange);
        Assert.True((differences.Reviews, differences.Versions, differences.Progress) == (0, 0, 0), MirrorComparison.Describe(differences));
        var again = await Infrastructure.Cli.RunAsync(fixture.CliEnvironment, ct, "backfill", "retry", backfillId, "--day", BackfillIds.Day(failing));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("only a failed or cancelled day can be retried", again.StdErr, StringComparison.Ordinal);
    }

    /// <summary>The project's live (scope '') checkpoints, one line per stream: run, position, cursor and when written.</summary>
    private Task<List<string>> LiveCheckpointsAsync(string projectId, CancellationToken ct) =>
        fixture.Cluster.Database.ListAsync(
            "SELECT stream || ' ' || run_id || ' ' || position || ' ' || cursor::text || ' ' || updated_at FROM sync.checkpoints WHERE project_id = @p AND scope = '' ORDER BY stream",
            static r => r.GetString(0),
            ct,
            ("p", projectId));
}
