using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansSync.Emulator;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>A silo's /metrics exports the sync engine's counters (Prometheus text) beside Orleans' own.</summary>
public sealed partial class SiloMetricsTests
{
    [Fact]
    public async Task Metrics_AfterSync_CountRecordsByStreamAndOutcome()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions { Dataset = { Seed = 61, Projects = 1, ReviewsPerProject = 40, WorkflowsPerProject = 3 }, RateLimits = RateLimitOptions.Unlimited }, ct);
        await using var cluster = await ProcessCluster.StartAsync(silos: 1, ct, new Dictionary<string, string?> { [SyncDriver.SecretVariable] = emulator.DefaultClient.ClientSecret });
        var projectId = emulator.ProjectIds[0];
        List<TaskView> tasks;
        await using (var connection = await cluster.ConnectAsync(ct))
        {
            await SyncDriver.AddProjectAsync(connection.Client, emulator, projectId, ct);
            (_, tasks) = await SyncDriver.SyncToEndAsync(connection.Client, projectId, full: false, ct);
        }

        // The progress writers' counters, as `cluster --json` shows them once nothing is pending.
        var writers = await Eventually.ValueAsync(
            async () =>
            {
                var shown = await Infrastructure.Cli.RunAsync(cluster.CliEnvironment(), ct, "cluster", "--json");
                var json = JsonDocument.Parse(shown.StdOut).RootElement.GetProperty("progressWriters").Clone();
                return json.GetProperty("pending").GetInt32() == 0 ? new[] { json } : null;
            },
            TimeSpan.FromSeconds(30),
            "the progress writers to have nothing pending",
            ct);
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{cluster.Silos[0].HttpPort}/metrics"), ct);

        var written = writers[0];
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
    }

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
