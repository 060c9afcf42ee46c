using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Sources.Acc.Client;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Acc;

/// <summary>
/// Tokens are per credential for the whole cluster (<see cref="IAccTokenGrain"/>): however many silos run tasks of
/// projects that share a client, upstream sees one token call per token lifetime.
/// </summary>
public sealed class ClusterTokenTests(ITestOutputHelper output)
{
    private const string TokenEndpoint = "POST /authentication/v2/token";
    private const string WrongSecretVariable = "ORLEANSSYNC_SECRET_TEST_ACC_WRONG";

    private static EmulatorOptions Dataset(int seed, int projects, FaultSettings faults, TimeProvider? upstreamClock = null) => new()
    {
        Dataset = { Seed = seed, Projects = projects, ReviewsPerProject = 20, WorkflowsPerProject = 2, VersionsPerReview = 1, ProgressStepsPerReview = 1 },
        RateLimits = RateLimitOptions.Unlimited,
        Faults = faults,
        TimeProvider = upstreamClock ?? TimeProvider.System,
    };

    [Fact]
    public async Task Sync_ProjectsSharingACredentialOnThreeSilos_OneTokenCallPerLifetime()
    {
        var ct = TestContext.Current.CancellationToken;

        // 4 s tokens are renewed 2 s before expiry (half the lifetime at most), so each serves 2 s.
        await using var emulator = await AccEmulator.StartAsync(Dataset(41, projects: 6, new FaultSettings { TokenTtlSeconds = 4, LatencyMs = 20 }), ct);
        await using var cluster = await InProcessCluster.StartAsync(silos: 3, ct, SyncDriver.FastTasks);
        await SyncDriver.AddProjectsAsync(cluster.Client, emulator, ct);

        var silos = new HashSet<string>(StringComparer.Ordinal);
        var runs = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(9))
        {
            silos.UnionWith(await SyncAllAsync(cluster, emulator, ct));
            runs++;
        }

        var elapsed = clock.Elapsed;
        var stats = emulator.GetStats();
        var tokenCalls = stats.Count(TokenEndpoint);
        output.WriteLine($"{runs} rounds of {emulator.ProjectIds.Count} projects in {elapsed.TotalSeconds:0.0} s on silos {string.Join(", ", silos)}: {tokenCalls} token calls, {stats.CountStatus(401)} 401s, {stats.Total} calls");
        Assert.True(silos.Count >= 2, $"tasks ran on {silos.Count} silo(s) only");

        // A token call is made only once the last token reached its refresh point, 2 s after it was asked for (a
        // cache per silo would make one per silo and lifetime), or after a 401: renewal comes 2 s ahead of expiry, so
        // only a request stalled that long on a loaded machine meets one.
        Assert.InRange(tokenCalls, 2, 1 + (long)(elapsed.TotalSeconds / 2) + stats.CountStatus(401));
    }

    [Fact]
    public async Task Sync_TokenRevokedUpstreamWhileSilosHoldIt_ClusterFetchesExactlyOneNewToken()
    {
        var ct = TestContext.Current.CancellationToken;
        var upstreamClock = new ManualClock(DateTimeOffset.UtcNow);
        await using var emulator = await AccEmulator.StartAsync(Dataset(42, projects: 6, new FaultSettings { LatencyMs = 20 }, upstreamClock), ct);
        await using var cluster = await InProcessCluster.StartAsync(silos: 3, ct, SyncDriver.FastTasks);
        await SyncDriver.AddProjectsAsync(cluster.Client, emulator, ct);
        var first = await SyncAllAsync(cluster, emulator, ct);
        Assert.Equal(1, emulator.GetStats().Count(TokenEndpoint));

        // Upstream's clock jumps past the token's expiry: to upstream it is dead, to every silo still fresh.
        upstreamClock.Advance(TimeSpan.FromHours(2));
        emulator.ResetStats();
        var second = await SyncAllAsync(cluster, emulator, ct);

        var stats = emulator.GetStats();
        output.WriteLine($"first round on {string.Join(", ", first)}, second on {string.Join(", ", second)}: {stats.Count(TokenEndpoint)} token call(s), {stats.CountStatus(401)} 401s");
        Assert.True(second.Count >= 2, $"tasks ran on {second.Count} silo(s) only");
        Assert.Equal(1, stats.Count(TokenEndpoint));
        Assert.InRange(stats.CountStatus(401), 1, long.MaxValue);
    }

    [Fact]
    public async Task Sync_WrongSecretForTheSameClientId_GetsNoTokenWhileTheRightOneKeepsWorking()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(Dataset(43, projects: 2, new FaultSettings()), ct);
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct, SyncDriver.FastTasks);
        var (right, wrong) = (emulator.ProjectIds[0], emulator.ProjectIds[1]);
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, right, ct);
        Environment.SetEnvironmentVariable(WrongSecretVariable, "not-" + emulator.DefaultClient.ClientSecret);
        await cluster.Client.GetGrain<IProjectGrain>(wrong).ConfigureAsync(
            new ProjectSpec(wrong, "acc", emulator.BaseUrl.AbsoluteUri, emulator.DefaultClient.ClientId, WrongSecretVariable, "test-user", [], null), ct);
        var (before, beforeTasks) = await SyncDriver.SyncToEndAsync(cluster.Client, right, full: false, ct);
        Assert.True(before.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(beforeTasks));

        var (refused, refusedTasks) = await SyncDriver.SyncToEndAsync(cluster.Client, wrong, full: false, ct);
        var (after, afterTasks) = await SyncDriver.SyncToEndAsync(cluster.Client, right, full: false, ct);

        Assert.Equal(SyncTaskStatus.Failed, refused.Status);
        var (lists, children) = (refusedTasks.Where(static t => t.Spec.LeaderTaskId is null).ToList(), refusedTasks.Where(static t => t.Spec.LeaderTaskId is not null));
        Assert.Equal(2, lists.Count);
        Assert.All(lists, t => Assert.Contains(t.Errors, e => e.Message.Contains("invalid_client", StringComparison.Ordinal)));
        // The children tasks follow the reviews task: it landed nothing, so they called nothing.
        Assert.All(children, static t => Assert.Equal(0, t.Progress.Calls));
        Assert.True(after.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(afterTasks));
        var stats = emulator.GetStats();
        Assert.Equal(1, stats.Count(TokenEndpoint, 200));
        Assert.InRange(stats.Count(TokenEndpoint, 401), 1, long.MaxValue);
    }

    [Fact]
    public async Task AcquireAsync_TwoSilosAsk_OneFetchesTheOtherWaitsAndOnlyTheCurrentTokenIsForgotten()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct);
        var (grain, a, b) = FreshTokenGrain(cluster);
        var wait = TimeSpan.FromSeconds(10);
        var now = DateTimeOffset.UtcNow;
        var token = new AccToken("first", now.AddHours(1), now.AddMinutes(50));

        var turn = await grain.AcquireAsync(a, null, wait, ct);
        var meanwhile = await grain.AcquireAsync(b, null, TimeSpan.Zero, ct);
        var waiting = grain.AcquireAsync(b, null, wait, ct);
        await grain.PublishAsync(turn.Lease!.Value, token, ct);
        var waited = await waiting;
        var afterStaleReport = await grain.AcquireAsync(b, new AccToken("older", now, now), wait, ct);
        var afterReport = await grain.AcquireAsync(b, token, wait, ct);
        var whileBFetches = await grain.AcquireAsync(a, null, TimeSpan.Zero, ct);
        await grain.ReleaseAsync(afterReport.Lease!.Value, ct);
        var afterRelease = await grain.AcquireAsync(a, null, wait, ct);

        Assert.Null(turn.Token);
        Assert.Equal(AccTokenGrant.Pending, meanwhile);
        Assert.Equal("first", waited.Token?.AccessToken);
        Assert.Equal("first", afterStaleReport.Token?.AccessToken);
        Assert.Null(afterReport.Token);
        Assert.Equal(AccTokenGrant.Pending, whileBFetches);
        Assert.NotNull(afterRelease.Lease);
        Assert.NotEqual(afterReport.Lease, afterRelease.Lease);
    }

    [Fact]
    public async Task AcquireAsync_HolderNeverPublishes_NextSiloGetsTheTurnAfterOneAttemptTimeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct, ShortAttempts);
        var (grain, a, b) = FreshTokenGrain(cluster);

        var stranded = await grain.AcquireAsync(a, null, TimeSpan.Zero, ct);
        var clock = Stopwatch.StartNew();
        var next = await grain.AcquireAsync(b, null, TimeSpan.FromSeconds(15), ct);
        var waited = clock.Elapsed;

        output.WriteLine($"the next silo got the turn after {waited.TotalSeconds:0.00} s (attempt timeout {AttemptTimeout.TotalSeconds} s)");
        Assert.NotNull(stranded.Lease);
        Assert.NotNull(next.Lease);
        Assert.NotEqual(stranded.Lease, next.Lease);
        // The holder had its whole attempt; the next silo waited for it, and not much longer.
        Assert.InRange(waited, AttemptTimeout / 2, AttemptTimeout + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task PublishAsync_TokenRefused_TurnEndsAtOnce_AndALongTokenIsTaken()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct);
        var (grain, a, b) = FreshTokenGrain(cluster);
        var now = DateTimeOffset.UtcNow;

        var turn = await grain.AcquireAsync(a, null, TimeSpan.Zero, ct);
        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => grain.PublishAsync(turn.Lease!.Value, new AccToken("line\nbreak", now.AddHours(1), now.AddMinutes(50)), ct));
        var next = await grain.AcquireAsync(b, null, TimeSpan.Zero, ct);
        // A real bearer token (a JWT) may run past a thousand characters.
        var jwt = new AccToken(new string('j', 4000), now.AddHours(1), now.AddMinutes(50));
        await grain.PublishAsync(next.Lease!.Value, jwt, ct);
        var shared = await grain.AcquireAsync(a, null, TimeSpan.Zero, ct);

        Assert.Contains("control character", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(next.Lease);
        Assert.Equal(jwt.AccessToken, shared.Token?.AccessToken);
    }

    [Fact]
    public async Task GetTokenAsync_TurnHolderOnAnotherSiloNeverPublishes_ThisSiloRenewsAfterAboutOneAttemptTimeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(Dataset(44, projects: 1, new FaultSettings()), ct);
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct, ShortAttempts);
        var connection = new AccConnection(emulator.BaseUrl, emulator.DefaultClient.ClientId, emulator.DefaultClient.ClientSecret);
        // The first silo took the turn and went quiet (its publish lost); it is still a member, so only the turn's end frees it.
        var stranded = await cluster.SiloGrains.GetGrain<IAccTokenGrain>(AccTokenKey.For(connection)).AcquireAsync(cluster.Cluster.Silos[0].SiloAddress, null, TimeSpan.Zero, ct);
        var cache = cluster.Cluster.GetSiloServiceProvider(cluster.Cluster.Silos[1].SiloAddress).GetRequiredService<AccTokenCache>();
        var clock = Stopwatch.StartNew();

        // What a task on the second silo does before its first call (bounded here, so that a wait for the old lease fails the test).
        var token = await cache.GetTokenAsync(connection, ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct);

        var waited = clock.Elapsed;
        output.WriteLine($"the second silo had its token after {waited.TotalSeconds:0.00} s (attempt timeout {AttemptTimeout.TotalSeconds} s), {emulator.GetStats().Count(TokenEndpoint)} token call(s)");
        Assert.NotNull(stranded.Lease);
        Assert.False(string.IsNullOrEmpty(token.AccessToken));
        Assert.Equal(1, emulator.GetStats().Count(TokenEndpoint));
        Assert.InRange(waited, AttemptTimeout / 2, AttemptTimeout + TimeSpan.FromSeconds(2));
    }

    private static TimeSpan AttemptTimeout { get; } = TimeSpan.FromSeconds(2);

    private static IReadOnlyDictionary<string, string?> ShortAttempts { get; } = new Dictionary<string, string?>
    {
        ["OrleansSync:Acc:AttemptTimeout"] = "00:00:02",
    };

    [Fact]
    public void For_SecretsOfOneClient_KeysDifferAndNeverHoldTheSecret()
    {
        const string secret = "the-secret-3c9d";
        var connection = new AccConnection(new Uri("https://acc.example/"), "client-1", secret);

        var key = AccTokenKey.For(connection);

        Assert.Equal(key, AccTokenKey.For(connection with { UserId = "someone" }));
        Assert.NotEqual(key, AccTokenKey.For(connection with { ClientSecret = secret + "x" }));
        Assert.NotEqual(key, AccTokenKey.For(connection with { ClientId = "client-2" }));
        Assert.NotEqual(key, AccTokenKey.For(connection with { BaseUrl = new Uri("https://other.example/") }));
        Assert.StartsWith("https://acc.example|client-1|", key, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, key, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(secret)), key, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A token grain of a credential no other test uses, called from the first silo, and the two silos' addresses.</summary>
    private static (IAccTokenGrain Grain, SiloAddress A, SiloAddress B) FreshTokenGrain(InProcessCluster cluster) => (
        cluster.SiloGrains.GetGrain<IAccTokenGrain>($"https://acc.example|client|{Guid.NewGuid():N}"),
        cluster.Cluster.Silos[0].SiloAddress,
        cluster.Cluster.Silos[1].SiloAddress);

    /// <summary>Syncs every project once, all at once; returns the silos their tasks ran on.</summary>
    private static async Task<HashSet<string>> SyncAllAsync(InProcessCluster cluster, AccEmulator emulator, CancellationToken ct)
    {
        var started = await SyncDriver.StartRunsAsync(cluster.Client, emulator.ProjectIds, ct);
        var silos = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (run, tasks) in await SyncDriver.WaitForRunsAsync(cluster.Client, started, ct, TimeSpan.FromMinutes(1)))
        {
            Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
            silos.UnionWith(tasks.Select(static t => t.Silo ?? "?"));
        }

        return silos;
    }
}
