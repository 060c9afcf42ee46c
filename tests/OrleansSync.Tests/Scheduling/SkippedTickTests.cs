using System.Text.Json;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Scheduling;

/// <summary>A tick that falls due while the project's run is still going starts nothing, and says so.</summary>
public sealed class SkippedTickTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Tick_DuringARun_IsSkippedAndRecordedInSyncRunsAndProjectShow()
    {
        var ct = TestContext.Current.CancellationToken;
        // A slow upstream (1 s a call) keeps the run at once going for several 2-second ticks.
        await using var scheduled = await ScheduledCluster.StartAsync(projects: 1, silos: 1, ct, latencyMs: 1000);
        try
        {
            var id = scheduled.Emulator.ProjectIds[0];
            var environment = scheduled.Cluster.CliEnvironment();
            await using (var connection = await scheduled.Cluster.ConnectAsync(ct))
            {
                await SyncDriver.AddProjectAsync(connection.Client, scheduled.Emulator, id, ct);
            }

            var schedule = await Infrastructure.Cli.RunAsync(environment, ct, "project", "schedule", id, "--every", "2s", "--json");
            Assert.True(schedule.ExitCode == 0, schedule.StdErr);
            string runAtOnce;
            using (var view = JsonDocument.Parse(schedule.StdOut))
            {
                runAtOnce = view.RootElement.GetProperty("currentRun").GetProperty("runId").GetString()!;
                Assert.Equal("schedule", view.RootElement.GetProperty("currentRun").GetProperty("trigger").GetString());
            }

            var expected = $"run {runAtOnce} is still in progress";
            var skipped = await Eventually.ValueAsync(
                async () => (await scheduled.RunsAsync(ct)).FirstOrDefault(static r => r.Status == "skipped"),
                TimeSpan.FromSeconds(30),
                "a skipped tick in sync.runs",
                ct);
            Assert.Equal(("schedule", expected), (skipped.Trigger, skipped.Reason));
            Assert.NotNull(skipped.DueAt);

            // project show reports the latest skip, which on a slow machine may be a later tick's, during a later run:
            // it must be one that sync.runs recorded, and name the run in progress then.
            var show = await Infrastructure.Cli.RunAsync(environment, ct, "project", "show", id, "--json");
            Assert.True(show.ExitCode == 0, show.StdErr);
            var recorded = (await scheduled.RunsAsync(ct)).Where(static r => r.Status == "skipped").Select(static r => (r.Trigger, r.Reason)).ToList();
            string lastSkipReason;
            using (var view = JsonDocument.Parse(show.StdOut))
            {
                var lastSkip = view.RootElement.GetProperty("lastSkip");
                lastSkipReason = lastSkip.GetProperty("reason").GetString()!;
                Assert.Contains((lastSkip.GetProperty("trigger").GetString()!, (string?)lastSkipReason), recorded);
                // A tick that came late on a loaded machine also names the ticks it missed meanwhile.
                Assert.Matches("^run [0-9TZ]+-[0-9a-f]+ is still in progress(; [0-9]+ missed tick\\(s\\) since [-0-9: Z]+ were not run)?$", lastSkipReason);
            }

            var text = await Infrastructure.Cli.RunAsync(environment, ct, "project", "show", id);
            Assert.True(text.ExitCode == 0, text.StdErr);
            Assert.Contains("Last skipped", text.StdOut, StringComparison.Ordinal);
            Assert.Contains("is still in progress", text.StdOut, StringComparison.Ordinal);

            var off = await Infrastructure.Cli.RunAsync(environment, ct, "project", "schedule", id, "--off", "--json");
            Assert.True(off.ExitCode == 0, off.StdErr);
            await using var client = await scheduled.Cluster.ConnectAsync(ct);
            var (run, tasks) = await SyncDriver.WaitForRunAsync(client.Client, id, runAtOnce, ct);
            Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            output.WriteLine(scheduled.LogTails());
            throw;
        }
    }
}
