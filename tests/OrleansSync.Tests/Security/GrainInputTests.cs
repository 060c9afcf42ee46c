using OrleansSync.Backfills;
using OrleansSync.Placement;
using OrleansSync.Progress;
using OrleansSync.Projects;
using OrleansSync.RateBudget;
using OrleansSync.Sources.Acc;
using OrleansSync.Sources.Acc.Client;

namespace OrleansSync.Tests.Security;

/// <summary>
/// Every grain method refuses bad input with a message naming the field, before any of it reaches grain state or
/// PostgreSQL: nulls, NULs and control characters, negative counts and spans, periods past any reminder's reach.
/// </summary>
public sealed class GrainInputTests(SiloOnlyCallFixture fixture) : IClassFixture<SiloOnlyCallFixture>
{
    public static TheoryData<string> ClientCalls => [.. ClientCall.Keys];

    public static TheoryData<string> SiloCalls => [.. SiloCall.Keys];

    private static readonly Dictionary<string, (Func<IGrainFactory, string, CancellationToken, Task> Call, string Names)> ClientCall = new()
    {
        ["sync: no request"] = ((g, k, ct) => g.GetGrain<IProjectGrain>(k).SyncAsync(null!, ct), "sync request"),
        ["sync: no trigger"] = ((g, k, ct) => g.GetGrain<IProjectGrain>(k).SyncAsync(new SyncRequest(null, false, null!), ct), "trigger"),
        ["sync: NUL in the trigger"] = ((g, k, ct) => g.GetGrain<IProjectGrain>(k).SyncAsync(new SyncRequest(null, false, "cli\0"), ct), "trigger"),
        ["sync: a null stream"] = ((g, k, ct) => Configured(g, k, ct, p => p.SyncAsync(new SyncRequest([null!], false, "cli"), ct)), "stream"),
        ["configure: no settings"] = ((g, k, ct) => g.GetGrain<IProjectGrain>(k).ConfigureAsync(null!, ct), "settings"),
        ["configure: no streams"] = ((g, k, ct) => g.GetGrain<IProjectGrain>(k).ConfigureAsync(Spec(k) with { Streams = null! }, ct), "--streams"),
        ["configure: NUL in the client id"] = ((g, k, ct) => g.GetGrain<IProjectGrain>(k).ConfigureAsync(Spec(k) with { ClientId = "a\0b" }, ct), "--client-id"),
        ["configure: a period of 10,000 days"] = ((g, k, ct) => g.GetGrain<IProjectGrain>(k).ConfigureAsync(Spec(k) with { Every = TimeSpan.FromDays(10_000) }, ct), "--every"),
        ["schedule: the longest span there is"] = ((g, k, ct) => Configured(g, k, ct, p => p.ScheduleAsync(TimeSpan.MaxValue, ct)), "--every"),
        ["run: no id"] = ((g, k, ct) => g.GetGrain<IProjectGrain>(k).GetRunAsync(null!, ct), "run id"),
        ["backfill: no request"] = ((g, k, ct) => g.GetGrain<IBackfillGrain>(k).StartAsync(null!, ct), "backfill request"),
        ["backfill: no project"] = ((g, k, ct) => g.GetGrain<IBackfillGrain>(k).StartAsync(new BackfillRequest(null!, new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 2), "cli"), ct), "project id"),
        ["backfill: NUL in the trigger"] = ((g, k, ct) => g.GetGrain<IBackfillGrain>(k).StartAsync(new BackfillRequest(k, new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 2), "\0"), ct), "trigger"),
    };

    private static readonly Dictionary<string, (Func<IGrainFactory, string, CancellationToken, Task> Call, string Names)> SiloCall = new()
    {
        ["budget: negative callers"] = ((g, k, ct) => g.GetGrain<IRateBudgetGrain>(k).LeaseAsync(new RateLeaseRequest("s", "reviews", [new ProjectDemand("p", -5)]), ct), "callers"),
        ["budget: no waiting list"] = ((g, k, ct) => g.GetGrain<IRateBudgetGrain>(k).LeaseAsync(new RateLeaseRequest("s", "reviews", null!), ct), "waiting"),
        ["budget: negative Retry-After"] = ((g, k, ct) => g.GetGrain<IRateBudgetGrain>(k).ThrottledAsync("reviews", TimeSpan.FromSeconds(-1), ct), "Retry-After"),
        ["budget: no family"] = ((g, k, ct) => g.GetGrain<IRateBudgetGrain>(k).ThrottledAsync(null!, TimeSpan.FromSeconds(1), ct), "family"),
        ["load: negative"] = ((g, k, ct) => g.GetGrain<ITaskLoadGrain>(0).ReportAsync(SiloAddress.New(System.Net.IPAddress.Loopback, 1, 1), -1, ct), "load"),
        ["load: no silo"] = ((g, k, ct) => g.GetGrain<ITaskLoadGrain>(0).ReportAsync(null!, 1, ct), "silo"),
        ["token: negative wait"] = ((g, k, ct) => g.GetGrain<IAccTokenGrain>(k).AcquireAsync(SiloAddress.New(System.Net.IPAddress.Loopback, 1, 1), null, TimeSpan.FromSeconds(-1), ct), "wait"),
        ["token: no token"] = ((g, k, ct) => g.GetGrain<IAccTokenGrain>(k).PublishAsync(Guid.NewGuid(), null!, ct), "token"),
        ["catalog: NUL in the id"] = ((g, k, ct) => g.GetGrain<IProjectCatalogGrain>(IProjectCatalogGrain.Key).AddAsync("p\0", ct), "project id"),
        ["progress: no view"] = ((g, k, ct) => g.GetGrain<IProgressWriterGrain>(0).ReportAsync(null!, ct), "task view"),
        ["task finished: no view"] = ((g, k, ct) => g.GetGrain<IProjectGrain>(k).TaskFinishedAsync(null!, ct), "final view"),
    };

    [Theory]
    [MemberData(nameof(ClientCalls))]
    public async Task ClientMethod_BadInput_RefusedNamingTheField(string call)
    {
        var ct = TestContext.Current.CancellationToken;
        var (invoke, names) = ClientCall[call];
        var e = await Assert.ThrowsAsync<InvalidRequestException>(() => invoke(fixture.Stranger, $"input-{Guid.NewGuid():N}", ct));
        Assert.Contains(names, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SiloCalls))]
    public async Task SiloMethod_BadInput_RefusedNamingTheField(string call)
    {
        var ct = TestContext.Current.CancellationToken;
        var (invoke, names) = SiloCall[call];
        var e = await Assert.ThrowsAsync<InvalidRequestException>(() => invoke(fixture.Cluster.SiloGrains, $"input-{Guid.NewGuid():N}", ct));
        Assert.Contains(names, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_RefusedNulTrigger_LeavesTheProjectUsable()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = $"input-{Guid.NewGuid():N}";
        await Configured(fixture.Stranger, key, ct, async p =>
        {
            await Assert.ThrowsAsync<InvalidRequestException>(() => p.SyncAsync(new SyncRequest(null, false, "cli\0"), ct));
            // Nothing was stored: the project takes its next request (and a paused project refuses it for that reason only).
            await p.SetPausedAsync(true, ct);
            var refusal = await Assert.ThrowsAsync<InvalidRequestException>(() => p.SyncAsync(new SyncRequest(null, false, "cli"), ct));
            Assert.Contains("paused", refusal.Message, StringComparison.Ordinal);
        });
    }

    private static ProjectSpec Spec(string key) =>
        new(key, "acc", "http://127.0.0.1:1/", "client", SiloOnlyCallTestsSecret.Variable, null, [StreamNames.Workflows], null);

    private static async Task Configured(IGrainFactory grains, string key, CancellationToken ct, Func<IProjectGrain, Task> then)
    {
        Environment.SetEnvironmentVariable(SiloOnlyCallTestsSecret.Variable, "not-a-real-secret");
        var project = grains.GetGrain<IProjectGrain>(key);
        await project.ConfigureAsync(Spec(key), ct);
        await then(project);
    }
}

internal static class SiloOnlyCallTestsSecret
{
    public const string Variable = "ORLEANSSYNC_SECRET_TEST_SILO_ONLY";
}
