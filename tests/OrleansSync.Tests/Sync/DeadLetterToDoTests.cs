using OrleansSync.Emulator;
using OrleansSync.Tasks;

namespace OrleansSync.Tests.Sync;

/// <summary>Open dead letters are retried by the next run, incremental too, and resolved when their record lands.</summary>
public sealed class DeadLetterToDoTests(HostileUpstreamFixture fixture) : IClassFixture<HostileUpstreamFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task IncrementalSync_AfterAReviewWasDeadLettered_RetriesItAndResolvesTheDeadLetter()
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[6];
        await SyncDriver.AddProjectAsync(fixture.Cluster.Client, fixture.Emulator, projectId, ct);
        fixture.Emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.WrongType, Times: 1));
        try
        {
            var (first, firstTasks) = await SyncDriver.SyncToEndAsync(fixture.Cluster.Client, projectId, full: false, ct, Bound);
            Assert.True(first.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(firstTasks));
        }
        finally
        {
            fixture.Emulator.ClearHostile();
        }

        var open = await OpenAsync(projectId, ct);
        Assert.Equal("reviews", Assert.Single(open));

        var (run, tasks) = await SyncDriver.SyncToEndAsync(fixture.Cluster.Client, projectId, full: false, ct, Bound);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        Assert.Empty(await OpenAsync(projectId, ct));
        Assert.Equal(1, await fixture.Cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM sync.dead_letters WHERE project_id = @p AND resolved_at IS NOT NULL AND retries = 1", ct, ("p", projectId)));
        var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, fixture.Emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
    }

    private Task<List<string>> OpenAsync(string projectId, CancellationToken ct) =>
        fixture.Cluster.Database.ListAsync(
            "SELECT stream FROM sync.dead_letters WHERE project_id = @p AND resolved_at IS NULL", static r => r.GetString(0), ct, ("p", projectId));
}
