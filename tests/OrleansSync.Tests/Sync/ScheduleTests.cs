using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>A project's <c>--every</c> is a reminder: runs start on their own, and stop when the schedule is removed.</summary>
public sealed class ScheduleTests
{
    [Fact]
    public async Task Every_Configured_RunsStartOnScheduleUntilRemoved()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions { Dataset = { Seed = 41, Projects = 1, ReviewsPerProject = 5, WorkflowsPerProject = 2 }, RateLimits = RateLimitOptions.Unlimited },
            ct);
        var configuration = new Dictionary<string, string?>(SyncDriver.FastTasks) { ["OrleansSync:Projects:MinimumEvery"] = "00:00:01" };
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct, configuration);
        var projectId = emulator.ProjectIds[0];
        var project = await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        var grain = cluster.Client.GetGrain<IProjectGrain>(projectId);

        await grain.ConfigureAsync(project.Spec with { Every = TimeSpan.FromSeconds(2) }, ct);
        await Eventually.UntilAsync(
            async () => await cluster.Database.ScalarAsync<long>(
                "SELECT count(*) FROM sync.runs WHERE project_id = @p AND trigger = 'schedule' AND status = 'succeeded'", ct, ("p", projectId)) >= 2,
            TimeSpan.FromSeconds(60),
            "two scheduled runs to succeed",
            ct);
        await grain.ConfigureAsync(project.Spec with { Every = null }, ct);

        var reminders = await cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM orleansreminderstable WHERE remindername = 'schedule' AND grainid LIKE '%' || @p || '%'", ct, ("p", projectId));
        Assert.Equal(0, reminders);
    }

    [Fact]
    public async Task Every_ShorterThanMinimum_IsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(new EmulatorOptions { Dataset = { Seed = 42, Projects = 1, ReviewsPerProject = 1 } }, ct);
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct);
        var projectId = emulator.ProjectIds[0];
        var project = await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);

        var error = await Assert.ThrowsAsync<InvalidRequestException>(
            () => cluster.Client.GetGrain<IProjectGrain>(projectId).ConfigureAsync(project.Spec with { Every = TimeSpan.FromSeconds(30) }, ct));

        Assert.Contains("--every", error.Message, StringComparison.Ordinal);
    }
}
