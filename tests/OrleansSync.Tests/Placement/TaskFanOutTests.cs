using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using OrleansSync.Emulator;
using OrleansSync.Placement;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Placement;

/// <summary>
/// Three real silos and thirty projects synced at once: tasks spread evenly across the silos (max/min at most 1.5),
/// and a silo that joins later takes new work.
/// </summary>
public sealed partial class TaskFanOutTests(ITestOutputHelper output)
{
    private const int Projects = 30;

    [Fact]
    public async Task Sync_ThirtyProjectsOnThreeSilos_TasksSpreadEvenlyAndANewSiloTakesWork()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await StartEmulatorAsync(ct);
        await using var cluster = await ProcessCluster.StartAsync(silos: 3, ct, SiloEnvironment(emulator, TaskPlacementMode.RunningTasks));
        await using var connection = await cluster.ConnectAsync(ct);
        await SyncDriver.AddProjectsAsync(connection.Client, emulator, ct);

        var first = await SyncAllAsync(cluster, connection.Client, emulator, ct);
        Assert.True(first.LoadRatio <= 1.5, $"running and queued tasks per silo, averaged while busy, max/min {first.LoadRatio:0.00}");
        Assert.True(first.TaskRatio <= 1.5, $"tasks per silo max/min {first.TaskRatio:0.00}");

        var late = cluster.StartSilo();
        await cluster.WaitForActiveAsync(4, ct);
        var second = await SyncAllAsync(cluster, connection.Client, emulator, ct);
        var share = second.Tasks.Values.Sum() / 4.0;
        Assert.True(second.Tasks.GetValueOrDefault(late.Name) >= share / 2, $"{late.Name}, started later, took {second.Tasks.GetValueOrDefault(late.Name)} task(s); an even share is {share:0}");
    }

    /// <summary>Orleans' own strategies on the same load, for the record (run with <c>-explicit only</c>); only printed, not asserted on.</summary>
    [Theory(Explicit = true)]
    [InlineData(TaskPlacementMode.ResourceOptimized)]
    [InlineData(TaskPlacementMode.ActivationCount)]
    [InlineData(TaskPlacementMode.Random)]
    [InlineData(TaskPlacementMode.RunningTasks)]
    public async Task Sync_ThirtyProjectsOnThreeSilos_StrategySpreadMeasured(TaskPlacementMode mode)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await StartEmulatorAsync(ct);
        await using var cluster = await ProcessCluster.StartAsync(silos: 3, ct, SiloEnvironment(emulator, mode));
        await using var connection = await cluster.ConnectAsync(ct);
        await SyncDriver.AddProjectsAsync(connection.Client, emulator, ct);

        var spread = await SyncAllAsync(cluster, connection.Client, emulator, ct);

        output.WriteLine($"{mode}: running+queued max/min {spread.LoadRatio:0.00}, tasks max/min {spread.TaskRatio:0.00}");
    }

    private static Task<AccEmulator> StartEmulatorAsync(CancellationToken ct) => AccEmulator.StartAsync(
        new EmulatorOptions
        {
            Dataset = { Seed = 71, Projects = Projects, ReviewsPerProject = 6, WorkflowsPerProject = 2, VersionsPerReview = 1, ProgressStepsPerReview = 1 },
            RateLimits = RateLimitOptions.Unlimited,
            // Slow enough that the tasks of thirty projects overlap.
            Faults = new FaultSettings { LatencyMs = 60 },
        },
        ct);

    private static Dictionary<string, string?> SiloEnvironment(AccEmulator emulator, TaskPlacementMode mode)
    {
        var environment = SyncDriver.FastTasks.ToDictionary(static e => e.Key.Replace(":", "__", StringComparison.Ordinal), static e => e.Value);
        environment[SyncDriver.SecretVariable] = emulator.DefaultClient.ClientSecret;
        environment["OrleansSync__Placement__Strategy"] = mode.ToString();
        return environment;
    }

    /// <summary>
    /// Syncs every project at once. Meanwhile samples each silo's run slots from its /metrics (running and queued
    /// tasks, live); returns their average per silo while the cluster is busy (at least two tasks per silo), and the
    /// run's tasks per silo from <c>sync.progress</c>.
    /// </summary>
    private async Task<Spread> SyncAllAsync(ProcessCluster cluster, IClusterClient client, AccEmulator emulator, CancellationToken ct)
    {
        var silos = cluster.Silos.Where(static s => !s.HasExited).ToList();
        var writersBefore = await Progress.ProgressScalingTests.WriterStatsAsync(client, ct);
        var started = await SyncDriver.StartRunsAsync(client, emulator.ProjectIds, ct);
        var done = SyncDriver.WaitForRunsAsync(client, started, ct, TimeSpan.FromMinutes(2));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var busy = new List<long[]>();
        var samples = new List<string>();
        while (!done.IsCompleted)
        {
            var loads = await Task.WhenAll(silos.Select(s => SlotsAsync(http, s, ct)));
            samples.Add(string.Join("/", loads.Select(static l => $"{l.Running}+{l.Queued}")));
            if (loads.Sum(static l => l.Running + l.Queued) >= 2 * silos.Count)
            {
                busy.Add([.. loads.Select(static l => l.Running + l.Queued)]);
            }

            await Task.WhenAny(done, Task.Delay(250, ct));
        }

        var results = await done;
        Assert.All(results.SelectMany(static r => r.Tasks), t => Assert.True(t.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe([t])));
        var tasks = await ReadPerSiloAsync(cluster, [.. started.Select(static s => s.Run.RunId)], ct);
        var averages = Enumerable.Range(0, silos.Count).Select(i => busy.Count == 0 ? 0 : busy.Average(b => b[i])).ToList();
        var spread = new Spread(
            tasks,
            Ratio([.. silos.Select(s => (double)tasks.GetValueOrDefault(s.Name))]),
            Ratio(averages));
        output.WriteLine($"silos {string.Join("/", silos.Select(static s => s.Name))}: tasks {string.Join("/", silos.Select(s => tasks.GetValueOrDefault(s.Name)))} (max/min {spread.TaskRatio:0.00}); "
            + $"running+queued averaged over {busy.Count} busy samples {string.Join("/", averages.Select(static a => a.ToString("0.0", CultureInfo.InvariantCulture)))} (max/min {spread.LoadRatio:0.00})");
        output.WriteLine($"running+queued per silo every 0.25 s: {string.Join(" ", samples)}");
        // For the record: what progress cost this run (writer counters, and grain-state writes per task).
        var writers = await Progress.ProgressScalingTests.WriterStatsAsync(client, ct);
        var versions = await cluster.Database.ListAsync(
            "SELECT version FROM orleansstorage WHERE graintypestring = 'task' AND grainidextensionstring = ANY(@ids)",
            static r => r.GetInt32(0),
            ct,
            ("ids", results.SelectMany(static r => r.Tasks).Select(static t => t.Spec.TaskId).ToArray()));
        output.WriteLine(
            $"progress: {writers.Updates - writersBefore.Updates} updates, {writers.RowsWritten - writersBefore.RowsWritten} rows written in {writers.Statements - writersBefore.Statements} statements, "
            + $"{results.Sum(static r => r.Tasks.Sum(static t => t.Progress.Pages))} pages; grain-state writes per task min/avg/max {versions.Min()}/{versions.Average():0.0}/{versions.Max()} over {versions.Count} tasks");
        return spread;
    }

    private static async Task<(long Running, long Queued)> SlotsAsync(HttpClient http, SiloProcess silo, CancellationToken ct)
    {
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{silo.HttpPort}/metrics"), ct);
        long running = 0, queued = 0;
        foreach (Match match in SlotsMetric().Matches(text))
        {
            var value = (long)double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            if (match.Groups[1].Value == "running")
            {
                running = value;
            }
            else
            {
                queued = value;
            }
        }

        return (running, queued);
    }

    private static async Task<Dictionary<string, long>> ReadPerSiloAsync(ProcessCluster cluster, string[] runIds, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(cluster.Database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT silo, count(*) FROM sync.progress WHERE silo IS NOT NULL AND run_id = ANY(@runs) GROUP BY silo", connection);
        command.Parameters.AddWithValue("runs", runIds);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    private static double Ratio(IReadOnlyList<double> values) => values.Min() <= 0 ? double.PositiveInfinity : values.Max() / values.Min();

    private sealed record class Spread(Dictionary<string, long> Tasks, double TaskRatio, double LoadRatio);

    [GeneratedRegex("(?m)^orleanssync_tasks_slots\\{[^}]*state=\"(running|queued)\"[^}]*\\} ([0-9.e+]+)")]
    private static partial Regex SlotsMetric();
}
