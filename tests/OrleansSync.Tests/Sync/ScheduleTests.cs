using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>
/// A project's <c>--every</c> is a reminder: runs start on their own, and stop when the schedule is removed. The tests
/// with schedules of seconds share one cluster, each with its own emulator's project.
/// </summary>
public sealed class ScheduleTests(ScheduleTests.SecondsCluster fixture) : IClassFixture<ScheduleTests.SecondsCluster>
{
    /// <summary>Two silos that accept schedules of seconds, with fast task retries.</summary>
    public sealed class SecondsCluster : ClusterFixture
    {
        protected override short Silos => 2;

        protected override IReadOnlyDictionary<string, string?> Settings =>
            new Dictionary<string, string?>(SyncDriver.FastTasks) { ["OrleansSync:Projects:MinimumEvery"] = "00:00:01" };
    }

    [Fact]
    public async Task Every_Configured_RunsStartOnScheduleUntilRemoved()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions { Dataset = { Seed = 41, Projects = 1, ReviewsPerProject = 5, WorkflowsPerProject = 2 }, RateLimits = RateLimitOptions.Unlimited },
            ct);
        var cluster = fixture.Cluster;
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
    public async Task Every_StateWrittenByAnotherActivation_TheStaleOneStepsAsideAndTicksGoOn()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(new EmulatorOptions { Dataset = { Seed = 43, Projects = 1, ReviewsPerProject = 1 } }, ct);
        var cluster = fixture.Cluster;
        var projectId = emulator.ProjectIds[0];
        var project = await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        var grain = cluster.Client.GetGrain<IProjectGrain>(projectId);
        // Paused, every tick is a skip: a state write and then a history row, and nothing else touches the project.
        await grain.SetPausedAsync(true, ct);
        await grain.ConfigureAsync(project.Spec with { Every = TimeSpan.FromSeconds(1) }, ct);
        const string SkipsSince = "SELECT count(*) FROM sync.runs WHERE project_id = @p AND status = 'skipped' AND started_at > @since";
        await Eventually.UntilAsync(
            async () => await cluster.Database.ScalarAsync<long>(SkipsSince, ct, ("p", projectId), ("since", DateTimeOffset.MinValue)) >= 1,
            TimeSpan.FromSeconds(30), "a tick skipped while paused", ct);

        // What a second activation of the project (a split-brain duplicate) would do: write its state under it.
        var bumped = await cluster.Database.ScalarAsync<int>(
            "WITH b AS (UPDATE orleansstorage SET version = version + 1 WHERE graintypestring = 'project' AND grainidextensionstring = @id RETURNING 1) SELECT count(*)::int FROM b",
            ct, ("id", projectId));
        Assert.Equal(1, bumped);
        var bumpedAt = DateTimeOffset.UtcNow;

        // The activation whose next write meets the conflict deactivates; the next tick reloads the state and records its skip.
        await Eventually.UntilAsync(
            async () => await cluster.Database.ScalarAsync<long>(SkipsSince, ct, ("p", projectId), ("since", bumpedAt)) >= 2,
            TimeSpan.FromSeconds(30), "ticks recorded again after the project's state was written elsewhere", ct);
        var view = await grain.GetAsync(ct);
        Assert.True(view!.Schedule!.LastTickAt > bumpedAt, $"last tick {view.Schedule.LastTickAt:O}, bumped at {bumpedAt:O}");
        await grain.ConfigureAsync(project.Spec with { Every = null }, ct);
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
