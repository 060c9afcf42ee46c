using System.Text.Json;
using OrleansSync.Projects;

namespace OrleansSync.Tests.Scheduling;

/// <summary>
/// Thirty projects on a schedule of seconds (in place of minutes) across three real silo processes: each runs at once
/// and then on its jittered ticks, keeps running on the survivors when a silo is killed, and after a full cluster stop
/// and start catches up its missed ticks once and carries on.
/// </summary>
public sealed class ScheduleClusterTests(ITestOutputHelper output)
{
    private const int Projects = 30;

    [Fact]
    public async Task Schedule_ThirtyProjectsThreeSilosOneKilled_EveryProjectRunsAtOnceOnItsTicksAndOnTheSurvivors()
    {
        var ct = TestContext.Current.CancellationToken;
        var every = TimeSpan.FromSeconds(10);
        await using var scheduled = await ScheduledCluster.StartAsync(Projects, silos: 3, ct);
        try
        {
            await using var connection = await scheduled.Cluster.ConnectAsync(ct);
            var added = DateTimeOffset.UtcNow;
            var views = await scheduled.ScheduleAllAsync(connection.Client, every, ct);
            var scheduledBy = DateTimeOffset.UtcNow;

            // Jitter: each project's ticks are offset by under a tenth of the period, drawn per project.
            Assert.All(views, v => Assert.InRange(v.Schedule!.Jitter, TimeSpan.Zero, every / 10));
            Assert.True(views.Select(static v => v.Schedule!.Jitter).Distinct().Count() > Projects / 2, "jitter offsets are spread");

            // A run at once, then a run on a tick of the reminder, for every project within the first intervals.
            var rows = await scheduled.WaitForEveryProjectAsync(
                runs => runs.Count(static r => r.Trigger == "schedule" && r.Status == "succeeded") >= 2,
                every * 3,
                "every project to run at once and then on a tick",
                ct);
            foreach (var id in scheduled.Emulator.ProjectIds)
            {
                var mine = rows.Where(r => r.ProjectId == id && r.Trigger == "schedule").OrderBy(static r => r.DueAt).ToList();
                var atOnce = mine[0];
                Assert.InRange(atOnce.DueAt!.Value, added, scheduledBy);
                Assert.NotEqual("skipped", atOnce.Status);
                // The first tick of the reminder is a period plus this project's jitter after the run at once (plus
                // the time the registration took to reach the silo whose reminder service owns it).
                var firstTick = mine[1];
                var jitter = views.Single(v => v.Spec.ProjectId == id).Schedule!.Jitter;
                Assert.InRange(firstTick.DueAt!.Value - atOnce.DueAt!.Value, every + jitter - TimeSpan.FromMilliseconds(100), every + jitter + TimeSpan.FromSeconds(2));
                Assert.True(firstTick.StartedAt - firstTick.DueAt!.Value < every / 2, ScheduledCluster.Describe(mine));
            }

            // SIGKILL one silo: the reminders it owned move to the survivors, and every project runs again there.
            var victim = scheduled.Cluster.Silos[1];
            var killedAt = DateTimeOffset.UtcNow;
            await victim.KillAsync();
            await scheduled.WaitForEveryProjectAsync(
                runs => runs.Any(r => r.StartedAt > killedAt && r.Trigger is "schedule" or "catch-up" && r.Status == "succeeded"),
                TimeSpan.FromSeconds(60),
                "every project to run on a tick after the kill",
                ct);
            var silos = await scheduled.Cluster.Database.ListAsync(
                "SELECT DISTINCT p.silo FROM sync.progress p JOIN sync.runs r ON r.run_id = p.run_id WHERE r.started_at > @killed AND p.silo IS NOT NULL",
                static r => r.GetString(0),
                ct,
                ("killed", killedAt));
            Assert.NotEmpty(silos);
            Assert.DoesNotContain(victim.Name, silos);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            output.WriteLine(scheduled.LogTails());
            throw;
        }
    }

    [Fact]
    public async Task Schedule_FullClusterStopAndStart_SchedulesResumeAndTheCatchUpIsReportedOncePerProject()
    {
        var ct = TestContext.Current.CancellationToken;
        var every = TimeSpan.FromSeconds(8);
        await using var scheduled = await ScheduledCluster.StartAsync(Projects, silos: 3, ct);
        try
        {
            await using (var connection = await scheduled.Cluster.ConnectAsync(ct))
            {
                await scheduled.ScheduleAllAsync(connection.Client, every, ct);
                await scheduled.WaitForEveryProjectAsync(
                    static runs => runs.Any(static r => r.Trigger == "schedule" && r.Status == "succeeded"),
                    every * 3,
                    "every project's run at once to succeed",
                    ct);
            }

            // The whole cluster goes down (as down.sh stops it) and stays down for more than a period, so that every
            // project misses at least one tick; then three fresh silos start on the same database.
            await Task.WhenAll(scheduled.Cluster.Silos.Select(static s => s.StopAsync(TimeSpan.FromSeconds(20))));
            var stoppedAt = DateTimeOffset.UtcNow;
            await Task.Delay(every + TimeSpan.FromSeconds(1), ct);
            for (var i = 0; i < 3; i++)
            {
                scheduled.Cluster.StartSilo();
            }

            await scheduled.Cluster.WaitForActiveAsync(3, ct);
            var rows = await scheduled.WaitForEveryProjectAsync(
                runs => runs.FirstOrDefault(static r => r.Trigger == "catch-up") is { } catchUp
                    && runs.Any(r => r.Trigger == "schedule" && r.Status == "succeeded" && r.StartedAt > catchUp.StartedAt),
                TimeSpan.FromSeconds(60),
                "every project to catch up, then run on its next tick",
                ct);

            await using var after = await scheduled.Cluster.ConnectAsync(ct);
            foreach (var id in scheduled.Emulator.ProjectIds)
            {
                var mine = rows.Where(r => r.ProjectId == id).ToList();
                // The outage is reported once, by the first catch-up after the restart. On a loaded machine a run may
                // outlast a period later on; the tick it misses is reported by a catch-up of its own, since a time
                // after the restart.
                var catchUps = mine.Where(static r => r.Trigger == "catch-up").OrderBy(static r => r.StartedAt).ToList();
                var catchUp = Assert.Single(catchUps, r => MissedSince(r.Reason) < stoppedAt);
                Assert.Equal(catchUps[0], catchUp);
                Assert.True(catchUp.DueAt > stoppedAt, ScheduledCluster.Describe(mine));
                Assert.Matches(@"^(caught up \d+ missed tick\(s\) since |run .* is still in progress; \d+ missed tick\(s\) since .* were not run)", catchUp.Reason);
                var view = (await after.Client.GetGrain<IProjectGrain>(id).GetAsync(ct))!;
                var reported = view.Schedule!.LastCatchUp!;
                Assert.True(reported.MissedTicks >= 1, reported.Reason);
                Assert.Equal(catchUps[^1].Reason, reported.Reason);
                Assert.True(catchUps.Count > 1 || reported.Since < stoppedAt, $"{reported.Since:O} < {stoppedAt:O}");
            }

            // project show reports it, as text and as JSON.
            var shown = scheduled.Emulator.ProjectIds[0];
            var json = await Infrastructure.Cli.RunAsync(scheduled.Cluster.CliEnvironment(), ct, "project", "show", shown, "--json");
            Assert.True(json.ExitCode == 0, json.StdErr);
            using var document = JsonDocument.Parse(json.StdOut);
            var lastCatchUp = document.RootElement.GetProperty("schedule").GetProperty("lastCatchUp");
            Assert.True(lastCatchUp.GetProperty("missedTicks").GetInt32() >= 1, json.StdOut);
            var text = await Infrastructure.Cli.RunAsync(scheduled.Cluster.CliEnvironment(), ct, "project", "show", shown);
            Assert.True(text.ExitCode == 0, text.StdErr);
            Assert.Contains("Last catch-up", text.StdOut, StringComparison.Ordinal);
            Assert.Contains("missed", text.StdOut, StringComparison.Ordinal);

            // Ticks after the catch-up are plain ticks again: still exactly one catch-up of the outage per project.
            var reasons = await scheduled.Cluster.Database.ListAsync(
                "SELECT project_id, reason FROM sync.runs WHERE trigger = 'catch-up'", static r => (r.GetString(0), r.GetString(1)), ct);
            var outage = reasons.Where(r => MissedSince(r.Item2) < stoppedAt).GroupBy(static r => r.Item1).ToList();
            Assert.Equal(Projects, outage.Count);
            Assert.All(outage, static c => Assert.Single(c));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            output.WriteLine(scheduled.LogTails());
            throw;
        }
    }

    /// <summary>The time a catch-up's reason says its missed ticks date from ("… missed tick(s) since 2026-12-07 17:48:55Z …").</summary>
    private static DateTimeOffset MissedSince(string? reason) =>
        System.Text.RegularExpressions.Regex.Match(reason ?? "", @"since (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z)") is { Success: true } m
            ? DateTimeOffset.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new Xunit.Sdk.XunitException($"A catch-up's reason names no time its ticks were missed since: '{reason}'");
}
