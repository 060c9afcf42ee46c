using System.Text.Json;
using OrleansSync.Backfills;
using OrleansSync.Events;
using OrleansSync.Placement;
using OrleansSync.Progress;
using OrleansSync.Projects;
using OrleansSync.RateBudget;
using OrleansSync.Retention;
using OrleansSync.Security;
using OrleansSync.Sources.Acc;
using OrleansSync.Sources.Acc.Client;
using OrleansSync.Sources.Postgres;
using OrleansSync.Tasks;

namespace OrleansSync.Tests.Security;

/// <summary>
/// A client is not trusted: the methods only silos may call refuse a plain client's calls before the grain runs, while
/// the same calls from a silo, and everything the CLI does, still work.
/// </summary>
public sealed class SiloOnlyCallTests(SiloOnlyCallFixture fixture) : IClassFixture<SiloOnlyCallFixture>
{
    private const string SecretVariable = SiloOnlyCallTestsSecret.Variable;

    /// <summary>Every method a client must not call, by interface and method name.</summary>
    private static readonly string[] SiloOnlyMethods =
    [
        "IAccTokenGrain.AcquireAsync", "IAccTokenGrain.PublishAsync", "IAccTokenGrain.ReleaseAsync",
        "IRateBudgetGrain.LeaseAsync", "IRateBudgetGrain.ThrottledAsync", "IRateBudgetRegistryGrain.RegisterAsync",
        "ITaskLoadGrain.ReportAsync", "IProgressWriterGrain.ReportAsync", "IProgressWriterGrain.FlushAsync",
        "IRetentionGrain.EnsureScheduledAsync", "IRetentionGrain.CleanAsync",
        "IProjectCatalogGrain.AddAsync", "IProjectCatalogGrain.RemoveAsync",
        "IProjectGrain.TaskFinishedAsync", "IBackfillGrain.TaskFinishedAsync", "ISyncTaskGrain.StartAsync",
        "IEventSequencerGrain.AppendAsync", "IEventSequencerGrain.ReadAsync",
        "ISharedSnapshotGrain.JoinAsync", "ISharedSnapshotGrain.DoneAsync",
    ];

    private SiloAddress Silo => fixture.Cluster.Cluster.Silos[0].SiloAddress;

    [Fact]
    public void SiloOnlyAttribute_MarksExactlyTheBookkeepingMethods()
    {
        var marked = new[] { typeof(IProjectGrain).Assembly, typeof(IAccTokenGrain).Assembly }
            .SelectMany(static a => a.GetTypes())
            .Where(static t => t.IsInterface)
            .SelectMany(static t => t.GetMethods().Where(static m => m.IsDefined(typeof(SiloOnlyAttribute), inherit: false)).Select(m => $"{t.Name}.{m.Name}"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(SiloOnlyMethods.Order(StringComparer.Ordinal), marked);
    }

    [Fact]
    public async Task SiloOnlyMethods_CalledByAPlainClient_AreRefusedBeforeTheGrainRuns()
    {
        var ct = TestContext.Current.CancellationToken;
        var stranger = fixture.Stranger;
        var silo = Silo;
        var key = $"stranger-{Guid.NewGuid():N}";
        var now = DateTimeOffset.UtcNow;
        var view = FakeView(key);
        var calls = new Dictionary<string, Func<Task>>
        {
            ["IAccTokenGrain.AcquireAsync"] = () => stranger.GetGrain<IAccTokenGrain>(key).AcquireAsync(silo, null, TimeSpan.Zero, ct),
            ["IAccTokenGrain.PublishAsync"] = () => stranger.GetGrain<IAccTokenGrain>(key).PublishAsync(Guid.NewGuid(), new AccToken("fake", now.AddHours(1), now.AddMinutes(30)), ct),
            ["IAccTokenGrain.ReleaseAsync"] = () => stranger.GetGrain<IAccTokenGrain>(key).ReleaseAsync(Guid.NewGuid(), ct),
            ["IRateBudgetGrain.LeaseAsync"] = () => stranger.GetGrain<IRateBudgetGrain>(key).LeaseAsync(new RateLeaseRequest("fake", "reviews", [new ProjectDemand("p", 50)]), ct),
            ["IRateBudgetGrain.ThrottledAsync"] = () => stranger.GetGrain<IRateBudgetGrain>(key).ThrottledAsync("reviews", TimeSpan.FromDays(60), ct),
            ["IRateBudgetRegistryGrain.RegisterAsync"] = () => stranger.GetGrain<IRateBudgetRegistryGrain>(0).RegisterAsync(key, ct),
            ["ITaskLoadGrain.ReportAsync"] = () => stranger.GetGrain<ITaskLoadGrain>(0).ReportAsync(silo, 1_000, ct),
            ["IProgressWriterGrain.ReportAsync"] = () => stranger.GetGrain<IProgressWriterGrain>(0).ReportAsync(view, ct),
            ["IProgressWriterGrain.FlushAsync"] = () => stranger.GetGrain<IProgressWriterGrain>(0).FlushAsync(ct),
            ["IRetentionGrain.EnsureScheduledAsync"] = () => stranger.GetGrain<IRetentionGrain>(0).EnsureScheduledAsync(ct),
            ["IRetentionGrain.CleanAsync"] = () => stranger.GetGrain<IRetentionGrain>(0).CleanAsync(ct),
            ["IProjectCatalogGrain.AddAsync"] = () => stranger.GetGrain<IProjectCatalogGrain>(IProjectCatalogGrain.Key).AddAsync(key, ct),
            ["IProjectCatalogGrain.RemoveAsync"] = () => stranger.GetGrain<IProjectCatalogGrain>(IProjectCatalogGrain.Key).RemoveAsync(key, ct),
            ["IProjectGrain.TaskFinishedAsync"] = () => stranger.GetGrain<IProjectGrain>(key).TaskFinishedAsync(view, ct),
            ["IBackfillGrain.TaskFinishedAsync"] = () => stranger.GetGrain<IBackfillGrain>(key).TaskFinishedAsync(view, ct),
            ["ISyncTaskGrain.StartAsync"] = () => stranger.GetGrain<ISyncTaskGrain>(key).StartAsync(view.Spec, ct),
            ["IEventSequencerGrain.AppendAsync"] = () => stranger.GetGrain<IEventSequencerGrain>(IEventSequencerGrain.Key).AppendAsync([new ClusterEvent(0, "run", key, now, "{}")], ct),
            ["IEventSequencerGrain.ReadAsync"] = () => stranger.GetGrain<IEventSequencerGrain>(IEventSequencerGrain.Key).ReadAsync(0, 10, TimeSpan.Zero, ct),
            ["ISharedSnapshotGrain.JoinAsync"] = () => stranger.GetGrain<ISharedSnapshotGrain>(key).JoinAsync(view.Spec, ct),
            ["ISharedSnapshotGrain.DoneAsync"] = () => stranger.GetGrain<ISharedSnapshotGrain>(key).DoneAsync("public.t", ct),
        };
        Assert.Equal(SiloOnlyMethods.Order(StringComparer.Ordinal), calls.Keys.Order(StringComparer.Ordinal));

        var answered = new List<string>();
        foreach (var (name, call) in calls)
        {
            try
            {
                await call();
                answered.Add(name);
            }
            catch (SiloOnlyCallException e)
            {
                Assert.Contains("only be called by the cluster's silos", e.Message, StringComparison.Ordinal);
            }
        }

        Assert.Empty(answered);
        // Nothing the refused calls asked for happened.
        Assert.DoesNotContain(key, await stranger.GetGrain<IProjectCatalogGrain>(IProjectCatalogGrain.Key).ListAsync(ct));
        Assert.DoesNotContain(key, await stranger.GetGrain<IRateBudgetRegistryGrain>(0).ListAsync(ct));
        Assert.Null(await stranger.GetGrain<ISyncTaskGrain>(key).GetAsync(ct));
        Assert.Equal(0, (await stranger.GetGrain<IProgressWriterGrain>(0).GetStatsAsync(ct)).Pending);
    }

    [Fact]
    public async Task SiloOnlyMethods_CalledByTheSilo_AreServed()
    {
        var ct = TestContext.Current.CancellationToken;
        var silo = fixture.Cluster.SiloGrains;
        var key = $"silo-{Guid.NewGuid():N}";

        await silo.GetGrain<IRateBudgetRegistryGrain>(0).RegisterAsync(key, ct);
        var loads = await silo.GetGrain<ITaskLoadGrain>(0).ReportAsync(Silo, 0, ct);
        await silo.GetGrain<IRetentionGrain>(0).CleanAsync(ct);

        Assert.Contains(key, await fixture.Stranger.GetGrain<IRateBudgetRegistryGrain>(0).ListAsync(ct));
        Assert.Contains(Silo, loads.Keys);
    }

    [Fact]
    public async Task OpenMethods_CalledByAPlainClientAndTheCli_StillAnswer()
    {
        var ct = TestContext.Current.CancellationToken;
        var stranger = fixture.Stranger;
        var project = $"open-{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(SecretVariable, "not-a-real-secret");

        // The project grain adds itself to the catalog: a grain's call to a silo-only method goes through.
        await stranger.GetGrain<IProjectGrain>(project).ConfigureAsync(new ProjectSpec(project, "acc", "http://127.0.0.1:1/", "client", SecretVariable, null, [StreamNames.Workflows], null), ct);
        Assert.Contains(project, await stranger.GetGrain<IProjectCatalogGrain>(IProjectCatalogGrain.Key).ListAsync(ct));
        await stranger.GetGrain<IRateBudgetGrain>(project).GetStatsAsync(ct);
        await stranger.GetGrain<IProgressWriterGrain>(0).GetStatsAsync(ct);

        var list = await Infrastructure.Cli.RunAsync(fixture.CliEnvironment, ct, "project", "list", "--json");
        var cluster = await Infrastructure.Cli.RunAsync(fixture.CliEnvironment, ct, "cluster", "--json");

        Assert.True(list.ExitCode == 0, list.StdErr);
        Assert.Contains(project, JsonDocument.Parse(list.StdOut).RootElement.ToString(), StringComparison.Ordinal);
        Assert.True(cluster.ExitCode == 0, cluster.StdErr);
    }

    private static TaskView FakeView(string key)
    {
        var spec = new SyncTaskSpec(key, key, StreamNames.Reviews, "run", false, "http://127.0.0.1:1/", "client", SecretVariable, null);
        return new TaskView(spec, SyncTaskStatus.Succeeded, new TaskProgress(1, 1, 1, 0, 0, 0, 1, 1), null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 1, [], "fake", 1);
    }
}
