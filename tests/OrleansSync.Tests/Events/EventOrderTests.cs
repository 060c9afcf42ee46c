using System.Text.Json;
using OrleansSync.Emulator;
using OrleansSync.Events;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Events;

/// <summary>
/// The feed's one order across silos: a run's end, raised by its project after its last task ended, is numbered after
/// that task's end, although the two are raised on different silos and each silo sends its events on its own beat.
/// </summary>
public sealed class EventOrderTests
{
    [Fact]
    public async Task Feed_RunsOnTwoSilosWithSlowSends_EachRunEndsAfterEveryEventOfItsTasks()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions { Dataset = { Seed = 61, Projects = 8, ReviewsPerProject = 3, WorkflowsPerProject = 1 }, RateLimits = RateLimitOptions.Unlimited }, ct);
        // Each silo sends its events every 3 s: a task's end and its run's end, raised within milliseconds on two
        // silos, would go in whichever order the two silos' beats fall.
        var configuration = new Dictionary<string, string?>(SyncDriver.FastTasks) { ["OrleansSync:Events:PublishInterval"] = "00:00:03" };
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct, configuration);
        await SyncDriver.AddProjectsAsync(cluster.Client, emulator, ct);

        var runs = await SyncDriver.WaitForRunsAsync(cluster.Client, await SyncDriver.StartRunsAsync(cluster.Client, emulator.ProjectIds, ct), ct);
        Assert.All(runs, static r => Assert.True(r.Run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(r.Tasks)));

        var sequencer = cluster.SiloGrains.GetGrain<IEventSequencerGrain>(IEventSequencerGrain.Key);
        var events = await Eventually.ValueAsync(
            async () =>
            {
                var batch = await sequencer.ReadAsync(0, 10_000, TimeSpan.Zero, ct);
                var ended = batch.Events.Count(static e => e.Type == "run" && Phase(e) == "ended");
                return ended == runs.Length ? batch.Events : null;
            },
            TimeSpan.FromSeconds(30),
            "every run's end in the feed",
            ct);

        foreach (var (run, tasks) in runs)
        {
            var runEnd = events.Single(e => e.Type == "run" && Phase(e) == "ended" && Field(e, "runId") == run.RunId);
            var taskEvents = events.Where(e => e.Type == "progress" && Field(e, "runId") == run.RunId).ToList();
            Assert.Equal(tasks.Count, taskEvents.Where(static e => Field(e, "status") == "succeeded").Select(static e => Field(e, "taskId")).Distinct().Count());
            var late = taskEvents.Where(e => e.Id > runEnd.Id).ToList();
            Assert.True(late.Count == 0, $"run {run.RunId} ended as event {runEnd.Id}, before {string.Join(", ", late.Select(static e => $"{e.Id} ({Field(e, "taskId")} {Field(e, "status")})"))}");
        }
    }

    private static string? Phase(ClusterEvent e) => Field(e, "phase");

    private static string? Field(ClusterEvent e, string name)
    {
        using var data = JsonDocument.Parse(e.Data);
        return data.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
