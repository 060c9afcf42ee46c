using System.Diagnostics;
using OrleansSync.Emulator;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>
/// Nobody asks after the tasks of a silo killed with SIGKILL (no <c>sync --wait</c>, no <c>task show</c>), and their
/// watchdog ticks only once a minute (the shipped period): a live silo wakes them as soon as membership declares the
/// dead one, and they resume from their checkpoints on the survivor.
/// </summary>
public sealed class DeadSiloWakeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sync_SiloKilledAndNobodyAsks_ItsTasksResumeOnTheSurvivorLongBeforeTheirWatchdog()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 23, Projects = 1, ReviewsPerProject = 300, WorkflowsPerProject = 3, VersionsPerReview = 2, ProgressStepsPerReview = 2 },
                RateLimits = RateLimitOptions.Unlimited,
                Faults = new FaultSettings { LatencyMs = 100 },
            },
            ct);
        var environment = new Dictionary<string, string?>
        {
            [SyncDriver.SecretVariable] = emulator.DefaultClient.ClientSecret,
            ["OrleansSync__Streams__MaxChildrenInFlight"] = "2",
        };
        // One silo first, home of every grain of the run; the survivor joins before the kill.
        await using var cluster = await ProcessCluster.StartAsync(silos: 1, ct, environment);
        var first = cluster.Silos[0];
        var projectId = emulator.ProjectIds[0];
        string runId;
        await using (var connection = await cluster.ConnectAsync(ct))
        {
            await SyncDriver.AddProjectAsync(connection.Client, emulator, projectId, ct);
            var started = await connection.Client.GetGrain<Projects.IProjectGrain>(projectId).SyncAsync(new Projects.SyncRequest(null, Full: false, "test"), ct);
            runId = started.Run.RunId;
            await Eventually.UntilAsync(
                async () => (await SyncDriver.CurrentTasksAsync(connection.Client, projectId, ct))
                    .Count(static t => t.Spec.Stream is "review_versions" or "review_progress" && t.Status == SyncTaskStatus.Running && t.Progress.Pages >= 3) == 2,
                TimeSpan.FromMinutes(1),
                "both children tasks to be running with 3 pages landed",
                ct);
        }

        var survivor = cluster.StartSilo();
        await cluster.WaitForActiveAsync(2, ct);
        var killedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await first.KillAsync();

        // From here on nothing calls a grain: only the database is watched, where each page commits with its checkpoint.
        var resumed = await Eventually.ValueAsync(
            async () =>
            {
                var streams = await cluster.Database.ListAsync(
                    "SELECT DISTINCT stream FROM sync.checkpoints WHERE project_id = @p AND updated_at > @killed AND stream IN ('review_versions', 'review_progress')",
                    static r => r.GetString(0),
                    ct,
                    ("p", projectId),
                    ("killed", killedAt));
                return streams.Count == 2 ? streams : null;
            },
            TimeSpan.FromSeconds(45),
            "both children tasks to land a page after the kill",
            ct);
        var elapsed = clock.Elapsed;
        output.WriteLine($"killed {first.Name}; both children tasks landed a page on the survivor {elapsed.TotalSeconds:0.0} s later ({string.Join(", ", resumed)})");
        Assert.True(elapsed < TimeSpan.FromSeconds(30), $"resumed after {elapsed.TotalSeconds:0.0} s: the watchdog (1 min), not the wake, brought them back");

        await using (var connection = await cluster.ConnectAsync(ct))
        {
            var (run, tasks) = await SyncDriver.WaitForRunAsync(connection.Client, projectId, runId, ct, TimeSpan.FromMinutes(2));
            Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
            Assert.All(tasks.Where(static t => t.Spec.Stream is "review_versions" or "review_progress"), t => Assert.Equal(survivor.Name, t.Silo));
        }

        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
    }
}
