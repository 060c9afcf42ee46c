using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Resilience;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Failures;

/// <summary>A project's breaker opens after consecutive failed runs: ticks are skipped with the reason, sync says why and when.</summary>
public sealed class ProjectBreakerTests
{
    [Fact]
    public async Task Sync_RunsKeepFailing_BreakerOpensTicksSkippedSyncRefusedUntilForcedAndSuccessCloses()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions { Dataset = { Seed = 84, Projects = 1, ReviewsPerProject = 5, WorkflowsPerProject = 2 }, RateLimits = RateLimitOptions.Unlimited }, ct);
        var configuration = new Dictionary<string, string?>(SyncDriver.FastTasks)
        {
            ["OrleansSync:Projects:MinimumEvery"] = "00:00:01",
            ["OrleansSync:Projects:Breaker:Failures"] = "2",
            ["OrleansSync:Projects:Breaker:OpenTime"] = "00:10:00",
        };
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct, configuration);
        var projectId = emulator.ProjectIds[0];
        var grain = cluster.Client.GetGrain<IProjectGrain>(projectId);
        Environment.SetEnvironmentVariable("ORLEANSSYNC_SECRET_TEST_BREAKER", "wrong");
        var spec = (await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct)).Spec with { ClientSecretVariable = "ORLEANSSYNC_SECRET_TEST_BREAKER" };
        await grain.ConfigureAsync(spec, ct);

        // A wrong secret fails every run at once (permanent): two failed runs open the project's breaker.
        for (var i = 0; i < 2; i++)
        {
            var (failed, _) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct);
            Assert.Equal(SyncTaskStatus.Failed, failed.Status);
        }

        var open = (await grain.GetAsync(ct))!.Breaker!;
        Assert.Equal((BreakerPhase.Open, 2, 1), (open.Phase, open.ConsecutiveFailures, open.Trips));
        var refusal = await Assert.ThrowsAsync<SyncRefusedException>(() => grain.SyncAsync(new SyncRequest(null, false, "test"), ct));
        Assert.Contains("circuit breaker is open after 2 consecutive failed runs", refusal.Message, StringComparison.Ordinal);
        Assert.Contains($"{open.NextProbeAt:u}", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("--force", refusal.Message, StringComparison.Ordinal);
        // Asked over HTTP, the fix is named in the API's terms, not the CLI's.
        var overHttp = await Assert.ThrowsAsync<SyncRefusedException>(() => grain.SyncAsync(new SyncRequest(null, false, "http"), ct));
        Assert.Contains("{\"force\": true}", overHttp.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("orleanssync", overHttp.Message, StringComparison.Ordinal);

        // Scheduled ticks while open are skipped and recorded with the reason.
        await grain.ConfigureAsync(spec with { Every = TimeSpan.FromSeconds(1) }, ct);
        var skipped = await Eventually.ValueAsync(
            async () => (await cluster.Database.ListAsync(
                "SELECT reason FROM sync.runs WHERE project_id = @p AND status = 'skipped' AND trigger = 'schedule'", static r => r.GetString(0), ct, ("p", projectId))) is { Count: >= 2 } rows ? rows : null,
            TimeSpan.FromSeconds(30),
            "two skipped ticks in sync.runs",
            ct);
        Assert.All(skipped, static reason => Assert.Contains("circuit breaker is open", reason, StringComparison.Ordinal));
        Assert.Contains("circuit breaker is open", (await grain.GetAsync(ct))!.LastSkip!.Reason, StringComparison.Ordinal);
        await grain.ConfigureAsync(spec with { Every = null }, ct);

        // Fixed, and forced: the probe run succeeds and closes the breaker.
        var fixedSpec = spec with { ClientSecretVariable = SyncDriver.SecretVariable };
        await grain.ConfigureAsync(fixedSpec, ct);
        var probe = await grain.SyncAsync(new SyncRequest(null, false, "test", Force: true), ct);
        var (run, tasks) = await SyncDriver.WaitForRunAsync(cluster.Client, projectId, probe.Run.RunId, ct);
        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var closed = (await grain.GetAsync(ct))!.Breaker!;
        Assert.Equal((BreakerPhase.Closed, 0, 1), (closed.Phase, closed.ConsecutiveFailures, closed.Trips));
    }
}
