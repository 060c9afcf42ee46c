using OrleansSync.Backfills;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Sources;

/// <summary>One silo with a second source kind, <see cref="ScriptedSourceKind"/>, registered beside ACC.</summary>
public sealed class ScriptedKindClusterFixture : IAsyncLifetime
{
    private InProcessCluster? _cluster;

    public InProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture has not started.");

    public async ValueTask InitializeAsync() =>
        _cluster = await InProcessCluster.StartAsync(1, TestContext.Current.CancellationToken, SyncDriver.FastTasks, siloConfigurator: typeof(ScriptedSourceKind.Configurator));

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

/// <summary>
/// Projects, tasks and backfills run a source kind they know nothing of through the boundary alone: its streams in its
/// order, a follower only after its leader succeeded (and cancelled when it does not), its pages counted from what its
/// runner landed, its stream names and its lack of a backfill enforced.
/// </summary>
public sealed class SourceBoundaryTests(ScriptedKindClusterFixture fixture) : IClassFixture<ScriptedKindClusterFixture>
{
    [Fact]
    public async Task Sync_ProjectOfAnotherKind_RunsItsStreamsInItsOrderThroughTheBoundary()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = fixture.Cluster.Client;
        var view = await AddAsync("scripted-ok", ct);
        Assert.Equal(ScriptedSourceKind.KindName, view.Spec.Source);
        Assert.Equal(["first", "second"], view.Spec.Streams);

        var (run, tasks) = await SyncDriver.SyncToEndAsync(client, "scripted-ok", full: false, ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        Assert.Equal(["first", "second"], tasks.Select(static t => t.Spec.Stream));
        Assert.All(tasks, static t => Assert.Equal(ScriptedSourceKind.KindName, t.Spec.Source));
        Assert.All(tasks, static t => Assert.Equal(
            (ScriptedSourceKind.Pages, ScriptedSourceKind.Pages * ScriptedSourceKind.RecordsPerPage, ScriptedSourceKind.Pages * ScriptedSourceKind.RecordsPerPage),
            (t.Progress.Pages, t.Progress.RecordsRead, t.Progress.Inserted)));
        // 'second' follows 'first': it starts only once 'first' has succeeded.
        Assert.True(tasks[1].StartedAt >= tasks[0].FinishedAt, $"second started {tasks[1].StartedAt:O}, first finished {tasks[0].FinishedAt:O}");
    }

    [Fact]
    public async Task Sync_LeaderOfAnotherKindFails_ItsFollowerIsCancelledUnstarted()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = fixture.Cluster.Client;
        await AddAsync("fail-scripted", ct);

        var started = await client.GetGrain<IProjectGrain>("fail-scripted").SyncAsync(new SyncRequest(null, Full: false, "test"), ct);
        var (run, _) = await SyncDriver.WaitForRunAsync(client, "fail-scripted", started.Run.RunId, ct);

        Assert.Equal(SyncTaskStatus.Failed, run.Status);
        Assert.Equal([("first", SyncTaskStatus.Failed), ("second", SyncTaskStatus.Cancelled)], run.Tasks.Select(static t => (t.Stream, t.Status)));
        Assert.Null(await client.GetGrain<ISyncTaskGrain>(run.Tasks[1].TaskId).GetAsync(ct));
    }

    [Fact]
    public async Task SyncAndBackfill_WhatTheKindDoesNotHave_RefusedNamingWhatItHas()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = fixture.Cluster.Client;
        await AddAsync("scripted-refusals", ct);

        var stream = await Assert.ThrowsAsync<InvalidRequestException>(
            () => client.GetGrain<IProjectGrain>("scripted-refusals").SyncAsync(new SyncRequest(["reviews"], Full: false, "test"), ct));
        Assert.Contains("Unknown stream 'reviews' in --stream: choose from first, second", stream.Message, StringComparison.Ordinal);
        var backfill = await Assert.ThrowsAsync<InvalidRequestException>(
            () => client.GetGrain<IBackfillGrain>(BackfillIds.New(DateTimeOffset.UtcNow)).StartAsync(new BackfillRequest("scripted-refusals", new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 2), "test"), ct));
        Assert.Contains("reads a 'scripted' source, which has no backfill", backfill.Message, StringComparison.Ordinal);
    }

    private Task<ProjectView> AddAsync(string projectId, CancellationToken ct) =>
        fixture.Cluster.Client.GetGrain<IProjectGrain>(projectId).ConfigureAsync(new ProjectSpec(projectId, ScriptedSourceKind.KindName, "", "", "", null, [], null), ct);
}
