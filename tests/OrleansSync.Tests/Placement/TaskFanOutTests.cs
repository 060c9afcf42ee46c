using Npgsql;
using OrleansSync.Emulator;
using OrleansSync.Placement;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Placement;

/// <summary>
/// Three real silos and thirty projects synced at once: tasks spread evenly across the silos (max/min at most 1.5),
/// and a silo that joins later takes new work.
/// </summary>
public sealed class TaskFanOutTests(ITestOutputHelper output)
{
    private const int Projects = 30;

    [Fact]
    public async Task Sync_ThirtyProjectsOnThreeSilos_TasksSpreadEvenlyAndANewSiloTakesWork()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await StartEmulatorAsync(ct);
        await using var cluster = await ProcessCluster.StartAsync(silos: 3, ct, SiloEnvironment(emulator, TaskPlacementMode.RunningTasks));
        await using var connection = await cluster.ConnectAsync(ct);
        await AddProjectsAsync(connection.Client, emulator, ct);

        var first = await SyncAllAsync(cluster, connection.Client, emulator, ct);
        AssertSpread(first, cluster.Silos.Select(static s => s.Name).ToList());

        var late = cluster.StartSilo();
        await cluster.WaitForActiveAsync(4, ct);
        var second = await SyncAllAsync(cluster, connection.Client, emulator, ct);
        Assert.True(second.GetValueOrDefault(late.Name) > 0, $"{late.Name}, started later, took no task");
        AssertSpread(second, cluster.Silos.Select(static s => s.Name).ToList());
    }

    /// <summary>Orleans' own strategies on the same load, for the record (run with <c>--explicit on</c>); they are not asserted on.</summary>
    [Theory(Explicit = true)]
    [InlineData(TaskPlacementMode.ResourceOptimized)]
    [InlineData(TaskPlacementMode.ActivationCount)]
    [InlineData(TaskPlacementMode.Random)]
    public async Task Sync_ThirtyProjectsOnThreeSilos_BuiltInStrategySpreadMeasured(TaskPlacementMode mode)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await StartEmulatorAsync(ct);
        await using var cluster = await ProcessCluster.StartAsync(silos: 3, ct, SiloEnvironment(emulator, mode));
        await using var connection = await cluster.ConnectAsync(ct);
        await AddProjectsAsync(connection.Client, emulator, ct);

        var spread = await SyncAllAsync(cluster, connection.Client, emulator, ct);

        output.WriteLine($"{mode}: max/min {Ratio(spread, cluster.Silos.Select(static s => s.Name).ToList()):0.00}");
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

    private static async Task AddProjectsAsync(IClusterClient client, AccEmulator emulator, CancellationToken ct)
    {
        foreach (var projectId in emulator.ProjectIds)
        {
            await SyncDriver.AddProjectAsync(client, emulator, projectId, ct);
        }
    }

    /// <summary>Syncs every project at once; returns the run's tasks per silo (from <c>sync.progress</c>) and prints the running ones sampled meanwhile.</summary>
    private async Task<Dictionary<string, long>> SyncAllAsync(ProcessCluster cluster, IClusterClient client, AccEmulator emulator, CancellationToken ct)
    {
        var started = await Task.WhenAll(emulator.ProjectIds.Select(p => client.GetGrain<IProjectGrain>(p).SyncAsync(new SyncRequest(null, Full: false, "test"), ct)));
        var done = Task.WhenAll(started.Select(s => SyncDriver.WaitForRunAsync(client, s.Run.ProjectId, s.Run.RunId, ct, TimeSpan.FromMinutes(2))));
        var samples = new List<string>();
        while (!done.IsCompleted)
        {
            var running = await ReadPerSiloAsync(cluster, "status IN ('running', 'queued')", [], ct);
            if (running.Count > 0)
            {
                samples.Add(string.Join("/", running.OrderBy(static e => e.Key, StringComparer.Ordinal).Select(static e => e.Value)));
            }

            await Task.WhenAny(done, Task.Delay(500, ct));
        }

        var results = await done;
        Assert.All(results.SelectMany(static r => r.Tasks), t => Assert.True(t.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe([t])));
        var runIds = started.Select(static s => s.Run.RunId).ToArray();
        var perSilo = await ReadPerSiloAsync(cluster, "run_id = ANY(@runs)", [("runs", runIds)], ct);
        output.WriteLine($"tasks per silo: {string.Join(", ", perSilo.OrderBy(static e => e.Key, StringComparer.Ordinal).Select(static e => $"{e.Key}={e.Value}"))}");
        output.WriteLine($"running+queued per silo, sampled every 0.5 s: {string.Join(" ", samples)}");
        return perSilo;
    }

    private static async Task<Dictionary<string, long>> ReadPerSiloAsync(ProcessCluster cluster, string where, (string Name, object Value)[] parameters, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(cluster.Database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"SELECT silo, count(*) FROM sync.progress WHERE silo IS NOT NULL AND {where} GROUP BY silo", connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    private static double Ratio(Dictionary<string, long> perSilo, IReadOnlyList<string> silos)
    {
        var counts = silos.Select(s => perSilo.GetValueOrDefault(s)).ToList();
        return counts.Min() == 0 ? double.PositiveInfinity : (double)counts.Max() / counts.Min();
    }

    private static void AssertSpread(Dictionary<string, long> perSilo, IReadOnlyList<string> silos)
    {
        var ratio = Ratio(perSilo, silos);
        Assert.True(ratio <= 1.5, $"tasks per silo max/min is {ratio:0.00}: {string.Join(", ", silos.Select(s => $"{s}={perSilo.GetValueOrDefault(s)}"))}");
    }
}
