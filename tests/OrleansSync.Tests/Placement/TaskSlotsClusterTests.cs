using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansSync.Emulator;
using OrleansSync.Placement;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Placement;

/// <summary>A silo with one run slot and several syncs at once: tasks queue, start in the order they queued, and all finish.</summary>
public sealed class TaskSlotsClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sync_MoreTasksThanSlots_TasksQueueStartInOrderAndAllSucceed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var setup = await OneSlotAsync(seed: 61, projects: 3, latencyMs: 40, ct);
        var (cluster, slots, runs) = (setup.Cluster, setup.Slots, setup.Runs);
        // Sampled while the runs go: the line (in its order) and who holds the one slot.
        var queueOrder = new List<string>();
        var startOrder = new List<string>();
        var queuedRows = 0L;
        var done = SyncDriver.WaitForRunsAsync(cluster.Client, runs, ct);
        while (!done.IsCompleted)
        {
            foreach (var id in slots.QueuedTaskIds().Where(id => !queueOrder.Contains(id)))
            {
                queueOrder.Add(id);
            }

            var running = slots.RunningTaskIds();
            Assert.True(running.Count <= 1, $"{running.Count} tasks hold the silo's only slot: {string.Join(", ", running)}");
            startOrder.AddRange(running.Where(id => !startOrder.Contains(id)));
            queuedRows = Math.Max(queuedRows, await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM sync.progress WHERE status = 'queued'", ct));
            await Task.WhenAny(done, Task.Delay(10, ct));
        }

        var results = await done;
        output.WriteLine($"queued in order: {string.Join(", ", queueOrder)}\nstarted in order: {string.Join(", ", startOrder)}\nmost queued rows seen in sync.progress: {queuedRows}");
        var tasks = results.SelectMany(static r => r.Tasks).ToList();
        Assert.All(tasks, t => Assert.True(t.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe([t])));
        Assert.Equal(setup.Emulator.ProjectIds.Count * 4, tasks.Count);
        Assert.True(queueOrder.Count >= 3, $"only {queueOrder.Count} task(s) were seen waiting for the slot");
        Assert.True(queuedRows > 0, "no task showed status 'queued' in sync.progress");
        Assert.Equal(queueOrder, startOrder.Where(queueOrder.Contains));
    }

    [Fact]
    public async Task Cancel_TaskWaitingForASlot_LeavesTheLineAndEndsCancelled()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var setup = await OneSlotAsync(seed: 62, projects: 2, latencyMs: 100, ct);
        var (cluster, slots, runs) = (setup.Cluster, setup.Slots, setup.Runs);
        var waiting = await Eventually.ValueAsync(
            () => Task.FromResult(slots.QueuedTaskIds().LastOrDefault()), TimeSpan.FromSeconds(30), "a task waiting for the slot", ct);
        var view = await cluster.Client.GetGrain<ISyncTaskGrain>(waiting).CancelAsync(ct);

        Assert.Equal(SyncTaskStatus.Cancelled, view?.Status);
        Assert.DoesNotContain(waiting, slots.QueuedTaskIds());
        var results = await SyncDriver.WaitForRunsAsync(cluster.Client, runs, ct);
        var others = results.SelectMany(static r => r.Tasks).Where(t => t.Spec.TaskId != waiting).ToList();
        Assert.All(others, t => Assert.True(t.Status is SyncTaskStatus.Succeeded or SyncTaskStatus.Cancelled, SyncDriver.Describe([t])));
        Assert.Contains(others, static t => t.Status == SyncTaskStatus.Succeeded);
        // A task reports its end before its slot is handed back (the run can finish in between): poll for it.
        await Eventually.UntilAsync(() => Task.FromResult(slots.Counts == (0, 0)), TimeSpan.FromSeconds(10), $"every slot free (now {slots.Counts})", ct);
    }

    /// <summary>An emulator of <paramref name="projects"/> small projects, a silo with one run slot, and a run of every project started.</summary>
    private static async Task<OneSlot> OneSlotAsync(int seed, int projects, int latencyMs, CancellationToken ct)
    {
        var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = seed, Projects = projects, ReviewsPerProject = 4, WorkflowsPerProject = 2, VersionsPerReview = 1, ProgressStepsPerReview = 1 },
                RateLimits = RateLimitOptions.Unlimited,
                Faults = new FaultSettings { LatencyMs = latencyMs },
            },
            ct);
        var configuration = new Dictionary<string, string?>(SyncDriver.FastTasks) { ["OrleansSync:Placement:MaxRunningPerSilo"] = "1" };
        var cluster = await InProcessCluster.StartAsync(silos: 1, ct, configuration);
        var slots = ((InProcessSiloHandle)cluster.Cluster.Silos[0]).SiloHost.Services.GetRequiredService<TaskSlots>();
        await SyncDriver.AddProjectsAsync(cluster.Client, emulator, ct);
        return new OneSlot(emulator, cluster, slots, await SyncDriver.StartRunsAsync(cluster.Client, emulator.ProjectIds, ct));
    }

    private sealed record class OneSlot(AccEmulator Emulator, InProcessCluster Cluster, TaskSlots Slots, SyncStarted[] Runs) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Cluster.DisposeAsync();
            await Emulator.DisposeAsync();
        }
    }
}
