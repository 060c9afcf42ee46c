using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OrleansSync.Emulator;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.RateBudget;

/// <summary>
/// Three silo processes sync two projects of one credential against an upstream that enforces ACC's quota (scaled to a
/// one-second window): the budget keeps the cluster's combined rate under it, so upstream answers almost no 429s,
/// and <c>cluster --json</c> and <c>/metrics</c> show the budget at work. Runs alone: beside another class, 3 of 254
/// calls met the quota in one CI run (bound 1 %), the slots' timing stretched by the shared cores.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed class RateBudgetClusterTests(ITestOutputHelper output)
{
    private const int ReviewsPerSecond = 25;

    [Fact]
    public async Task Sync_TwoProjectsOneCredentialThreeSilos_StaysUnderTheLimitWithAlmostNo429s()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 121, Projects = 2, ReviewsPerProject = 60, WorkflowsPerProject = 3, VersionsPerReview = 2, ProgressStepsPerReview = 2, ArchivedShare = 0.1 },
                RateLimits = new RateLimitOptions { Window = TimeSpan.FromSeconds(1), ReviewsPerWindow = ReviewsPerSecond, AdminPerWindow = 600, TokenPerWindow = 500 },
                Faults = new FaultSettings { LatencyMs = 5 },
            },
            ct);
        var environment = new Dictionary<string, string?>
        {
            [SyncDriver.SecretVariable] = emulator.DefaultClient.ClientSecret,
            ["OrleansSync__RateBudget__Enabled"] = "true",
            ["OrleansSync__RateBudget__Window"] = "00:00:01",
            ["OrleansSync__RateBudget__Reviews"] = $"{ReviewsPerSecond}",
        };
        await using var cluster = await ProcessCluster.StartAsync(silos: 3, ct, environment, siloPoolSize: 10);
        try
        {
            await SyncAndCheckAsync(emulator, cluster, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            foreach (var silo in cluster.Silos)
            {
                output.WriteLine($"--- {silo.Name} (exited: {silo.HasExited}):\n{silo.LogTail(80)}");
            }

            throw;
        }
    }

    private async Task SyncAndCheckAsync(AccEmulator emulator, ProcessCluster cluster, CancellationToken ct)
    {
        await using var connection = await cluster.ConnectAsync(ct);
        await SyncDriver.AddProjectsAsync(connection.Client, emulator, ct);
        emulator.ResetStats();

        var clock = Stopwatch.StartNew();
        var started = await SyncDriver.StartRunsAsync(connection.Client, emulator.ProjectIds, ct);
        var runs = await SyncDriver.WaitForRunsAsync(connection.Client, started, ct, TimeSpan.FromMinutes(3));
        var elapsed = clock.Elapsed;

        foreach (var (run, tasks) in runs)
        {
            Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
            var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, run.ProjectId, ct);
            Assert.True(differences.None, MirrorComparison.Describe(differences));
        }

        var stats = emulator.GetStats();
        var reviewsCalls = stats.Endpoints.Where(static e => e.Key.Contains("/construction/reviews/v1/", StringComparison.Ordinal)).Sum(static e => e.Value.Total);
        var bound = TimeSpan.FromSeconds((double)reviewsCalls / ReviewsPerSecond);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{reviewsCalls} reviews API calls ({stats.Total} in all), {stats.QuotaRejections} answered 429; {elapsed.TotalSeconds:0.0} s against a bound of {bound.TotalSeconds:0.0} s (elapsed / bound {elapsed / bound:0.00})"));
        Assert.True(stats.QuotaRejections <= stats.Total / 100, $"{stats.QuotaRejections} of {stats.Total} calls met upstream's quota");
        Assert.True(reviewsCalls > 4 * ReviewsPerSecond, "the sync spans several of upstream's windows");
        Assert.True(elapsed > bound * 0.9, "no faster than the limit allows: the quota was the wall");

        var shown = await Infrastructure.Cli.RunAsync(cluster.CliEnvironment(), ct, "cluster", "--json");
        Assert.True(shown.ExitCode == 0, shown.StdErr);
        output.WriteLine(shown.StdOut);
        var budget = Assert.Single(JsonDocument.Parse(shown.StdOut).RootElement.GetProperty("rateBudgets").EnumerateArray());
        Assert.Equal($"{emulator.DefaultClient.ClientId}@{emulator.BaseUrl.Authority}", budget.GetProperty("credential").GetString());
        var reviews = budget.GetProperty("families").EnumerateArray().Single(static f => f.GetProperty("family").GetString() == "reviews");
        Assert.Equal(ReviewsPerSecond, reviews.GetProperty("limit").GetInt32());
        Assert.True(reviews.GetProperty("granted").GetInt64() >= reviewsCalls, "every reviews call went out on a granted slot");
        Assert.Equal(stats.QuotaRejections, reviews.GetProperty("throttled").GetInt64());

        long permits = 0;
        using var http = new HttpClient();
        foreach (var silo in cluster.Silos)
        {
            var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{silo.HttpPort}/metrics"), ct);
            permits += text.Split('\n')
                .Where(static l => l.StartsWith("orleanssync_rate_budget_permits_total{", StringComparison.Ordinal) && l.Contains("family=\"reviews\"", StringComparison.Ordinal))
                .Sum(static l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        }

        Assert.Equal(reviewsCalls, permits);
    }
}
