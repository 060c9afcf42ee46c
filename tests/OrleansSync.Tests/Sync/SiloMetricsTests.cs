using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansSync.Diagnostics;
using OrleansSync.Emulator;
using OrleansSync.Emulator.Stats;
using OrleansSync.Sources.Acc.Client;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>
/// A silo's /metrics exports the sync engine's counters and upstream latency histogram (Prometheus text) beside Orleans'
/// own, and <c>cluster --json</c> shows the silo's latency percentiles.
/// </summary>
public sealed partial class SiloMetricsTests
{
    // Every upstream answer waits this long, so each attempt is at least this slow; the sync stays a few seconds.
    private const int LatencyMs = 40;

    // The emulator's delay is a .NET timer, which keeps time in coarse ticks and can end a few milliseconds early (a
    // loaded CI run measured a p50 of 38.2 ms with 40 ms injected); the check is that no call skipped the delay.
    private const int TimerSlackMs = 5;

    [Fact]
    public async Task Metrics_AfterSync_CountRecordsByStreamAndOutcome()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 61, Projects = 1, ReviewsPerProject = 40, WorkflowsPerProject = 3 },
                RateLimits = RateLimitOptions.Unlimited,
                Faults = new FaultSettings { LatencyMs = LatencyMs },
            },
            ct);
        await using var cluster = await ProcessCluster.StartAsync(silos: 1, ct, new Dictionary<string, string?> { [SyncDriver.SecretVariable] = emulator.DefaultClient.ClientSecret });
        var projectId = emulator.ProjectIds[0];
        List<TaskView> tasks;
        await using (var connection = await cluster.ConnectAsync(ct))
        {
            await SyncDriver.AddProjectAsync(connection.Client, emulator, projectId, ct);
            (_, tasks) = await SyncDriver.SyncToEndAsync(connection.Client, projectId, full: false, ct);
        }

        // `cluster --json` once the progress writers have nothing pending.
        var shownCluster = await Eventually.ValueAsync(
            async () =>
            {
                var shown = await Infrastructure.Cli.RunAsync(cluster.CliEnvironment(), ct, "cluster", "--json");
                var json = JsonDocument.Parse(shown.StdOut).RootElement.Clone();
                return json.GetProperty("progressWriters").GetProperty("pending").GetInt32() == 0 ? new[] { json } : null;
            },
            TimeSpan.FromSeconds(30),
            "the progress writers to have nothing pending",
            ct);
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{cluster.Silos[0].HttpPort}/metrics"), ct);

        var written = shownCluster[0].GetProperty("progressWriters");
        var updates = written.GetProperty("updates").GetInt64();
        Assert.True(updates >= tasks.Sum(static t => t.Progress.Pages), $"{updates} progress updates for {tasks.Sum(static t => t.Progress.Pages)} pages");
        Assert.Equal(updates, SampleSum(text, "orleanssync_progress_updates_total"));
        Assert.Equal(written.GetProperty("rowsWritten").GetInt64(), SampleSum(text, "orleanssync_progress_rows_written_total"));
        Assert.Equal(written.GetProperty("statements").GetInt64(), SampleSum(text, "orleanssync_progress_statements_total"));

        var reviews = tasks.Single(static t => t.Spec.Stream == "reviews").Progress;
        Assert.Equal(reviews.Inserted, Sample(text, "orleanssync_records_total", "reviews", "inserted"));
        Assert.Equal(tasks.Sum(static t => t.Progress.Calls), SampleSum(text, "orleanssync_upstream_calls_total"));
        Assert.Equal(4, SampleSum(text, "orleanssync_tasks_finished_total"));
        Assert.Matches(OrleansMetric(), text);
        // Breakers by phase: every task has ended, so none is live on the silo.
        Assert.Equal(["closed", "halfopen", "open"], Lines(text, "orleanssync_breakers").Select(static l => Regex.Match(l, "phase=\"([a-z]+)\"").Groups[1].Value).Order());
        Assert.Equal(0, SampleSum(text, "orleanssync_breakers"));

        AssertUpstreamLatency(text, shownCluster[0].GetProperty("silos").EnumerateArray().Single(), emulator.GetStats());
    }

    /// <summary>
    /// One histogram sample per attempt upstream served, by endpoint, in the advised buckets; none faster than the
    /// injected latency; and the silo's p50 in <c>cluster --json</c> at least that latency, with a loose upper bound.
    /// </summary>
    private static void AssertUpstreamLatency(string text, JsonElement silo, StatsSnapshot served)
    {
        // The emulator counts by route template ("GET /construction/reviews/v1/projects/{projectId}/reviews").
        var expected = served.Endpoints
            .GroupBy(static e => AccEndpointNames.Of(new Uri(new Uri("http://upstream"), e.Key.Split(' ')[1])), static e => e.Value.Total)
            .ToDictionary(static g => g.Key, static g => g.Sum());
        Assert.Superset(new HashSet<string> { "token", "workflows", "reviews", "review_versions", "review_progress" }, expected.Keys.ToHashSet());
        var counted = Lines(text, "orleanssync_upstream_duration_seconds_count")
            .GroupBy(static l => Label(l, "endpoint"))
            .ToDictionary(static g => g.Key, static g => g.Sum(Value));
        Assert.Equal(expected.OrderBy(static e => e.Key), counted.OrderBy(static e => e.Key));

        var buckets = Lines(text, "orleanssync_upstream_duration_seconds_bucket").ToList();
        var reviewBounds = buckets.Where(static l => Label(l, "endpoint") == "reviews" && Label(l, "outcome") == "2xx").Select(Bound).ToList();
        Assert.Equal([.. UpstreamLatency.BucketBoundaries, double.PositiveInfinity], reviewBounds);
        Assert.DoesNotContain(buckets, static l => Bound(l) < (LatencyMs - TimerSlackMs) / 1000.0 && Value(l) > 0);

        var latency = silo.GetProperty("latency");
        Assert.Equal(JsonValueKind.Null, silo.GetProperty("latencyError").ValueKind);
        Assert.Equal(expected.Keys.Order(), latency.EnumerateObject().Select(static e => e.Name).Order());
        foreach (var endpoint in latency.EnumerateObject())
        {
            var shown = endpoint.Value;
            var (p50, p95, p99) = (shown.GetProperty("p50").GetDouble(), shown.GetProperty("p95").GetDouble(), shown.GetProperty("p99").GetDouble());
            Assert.Equal(expected[endpoint.Name], shown.GetProperty("count").GetInt64());
            Assert.True(p50 >= LatencyMs - TimerSlackMs && p50 < 5_000, $"{endpoint.Name}: p50 {p50} ms with {LatencyMs} ms injected");
            Assert.True(p50 <= p95 && p95 <= p99, $"{endpoint.Name}: p50 {p50}, p95 {p95}, p99 {p99}");
        }
    }

    private static double Bound(string line) =>
        Label(line, "le") is "+Inf" ? double.PositiveInfinity : double.Parse(Label(line, "le"), CultureInfo.InvariantCulture);

    private static string Label(string line, string name) => Regex.Match(line, $"[{{,]{name}=\"([^\"]*)\"").Groups[1].Value;

    private static long Sample(string text, string name, string stream, string outcome) =>
        Lines(text, name).Where(l => l.Contains($"stream=\"{stream}\"", StringComparison.Ordinal) && l.Contains($"outcome=\"{outcome}\"", StringComparison.Ordinal))
            .Sum(Value);

    private static long SampleSum(string text, string name) => Lines(text, name).Sum(Value);

    private static IEnumerable<string> Lines(string text, string name) =>
        text.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal));

    // "name{labels} value [timestamp]"
    private static long Value(string line) => (long)double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);

    [GeneratedRegex("(?m)^orleans_[a-z_]+")]
    private static partial Regex OrleansMetric();
}
