using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Streams;

/// <summary>
/// Children tasks fetching several reviews' lists at once, on an in-process silo against the emulator: the mirror
/// stays exact, each list is fetched once, and the window W follows upstream's health (read from the silo's gauge).
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed class WindowedFetchingTests(ITestOutputHelper output)
{
    private const string ReviewsApi = "GET /construction/reviews/v1/projects/{projectId}";
    private const string Versions = "review_versions";

    // Each upstream answer's latency in the clean runs.
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(40);

    [Fact]
    public async Task Sync_CleanRunWithAdaptiveWindow_MirrorsExactlyFetchingEachListOnceFasterThanOneAtATime()
    {
        var ct = TestContext.Current.CancellationToken;

        var oneAtATime = await CleanRunAsync(cap: 1, ct);
        var adaptive = await CleanRunAsync(cap: 8, ct);

        output.WriteLine("| children window | reviews | children records | elapsed | records/s | largest W |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (var (name, run) in new[] { ("W = 1", oneAtATime), ("adaptive, cap 8", adaptive) })
        {
            output.WriteLine($"| {name} | {run.Reviews} | {run.Records} | {run.Elapsed.TotalSeconds:0.00} s | {run.Records / run.Elapsed.TotalSeconds:0} | {run.LargestWindow} |");
        }

        output.WriteLine($"adaptive / one at a time: {oneAtATime.Elapsed / adaptive.Elapsed:0.0}× faster");
        Assert.Equal(1, oneAtATime.LargestWindow);
        Assert.InRange(adaptive.LargestWindow, 2, 8);
        // One at a time, every review's list waits out the emulator's latency in turn: that is the floor (less the few
        // milliseconds a timer may fire early).
        Assert.True(oneAtATime.Elapsed >= oneAtATime.Reviews * Latency * 0.9, $"one at a time took {oneAtATime.Elapsed}, under {oneAtATime.Reviews} × {Latency.TotalMilliseconds} ms");
        // The window overlaps those waits: measured side by side, it must be clearly faster (ideally up to the cap, 8×).
        Assert.True(
            adaptive.Elapsed * 1.5 <= oneAtATime.Elapsed,
            $"the adaptive window took {adaptive.Elapsed.TotalSeconds:0.00} s, one at a time {oneAtATime.Elapsed.TotalSeconds:0.00} s: not 1.5× faster");
    }

    [Fact]
    public async Task Sync_InjectedLatencyAndServerErrors_WindowShrinksThenGrowsBackAfterwards()
    {
        var ct = TestContext.Current.CancellationToken;
        const int cap = 6;
        var healthy = new FaultSettings { LatencyMs = 40 };
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 52, Projects = 1, ReviewsPerProject = 1000, WorkflowsPerProject = 2, VersionsPerReview = 1, ProgressStepsPerReview = 1, ArchivedShare = 0 },
                RateLimits = RateLimitOptions.Unlimited,
                Faults = healthy,
            },
            ct);
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct, Settings(cap));
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        using var gauge = new WindowGauge();

        var started = await cluster.Client.GetGrain<IProjectGrain>(projectId).SyncAsync(new SyncRequest(null, Full: false, "test"), ct);
        var grown = await Eventually.UntilAsync(() => Task.FromResult(gauge.Read(Versions) >= cap), TimeSpan.FromSeconds(40), $"W of {Versions} to reach its cap {cap}", ct);

        emulator.SetFaults(healthy with { LatencyMs = 600, ServerErrorRate = 0.3 });
        var shrunk = await Eventually.UntilAsync(() => Task.FromResult(gauge.Read(Versions) is <= 2), TimeSpan.FromSeconds(30), $"W of {Versions} to shrink to 2 or less under latency and 5xx", ct);
        var faulty = emulator.GetStats().InjectedServerErrors;

        emulator.SetFaults(healthy);
        var regrown = await Eventually.UntilAsync(() => Task.FromResult(gauge.Read(Versions) >= cap), TimeSpan.FromSeconds(30), $"W of {Versions} to grow back to {cap} once the faults are lifted", ct);

        var (run, tasks) = await SyncDriver.WaitForRunAsync(cluster.Client, projectId, started.Run.RunId, ct);
        output.WriteLine($"W reached {cap} after {grown.TotalSeconds:0.0} s, shrank to ≤ 2 within {shrunk.TotalSeconds:0.0} s of the faults ({faulty} 5xx injected), grew back within {regrown.TotalSeconds:0.0} s of lifting them");
        output.WriteLine(SyncDriver.Describe(tasks));
        Assert.True(faulty > 0, "no 5xx was injected while W shrank");
        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
    }

    /// <summary>A first run of one project (150 reviews, <see cref="Latency"/> a call) on a fresh silo whose window is capped at <paramref name="cap"/>.</summary>
    private async Task<CleanRun> CleanRunAsync(int cap, CancellationToken ct)
    {
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 51, Projects = 1, ReviewsPerProject = 150, WorkflowsPerProject = 3, VersionsPerReview = 2, ProgressStepsPerReview = 2, ArchivedShare = 0.1 },
                RateLimits = RateLimitOptions.Unlimited,
                Faults = new FaultSettings { LatencyMs = (int)Latency.TotalMilliseconds },
            },
            ct);
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct, Settings(cap));
        var projectId = emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(cluster.Client, emulator, projectId, ct);
        using var gauge = new WindowGauge();
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sampler = gauge.SampleAsync(sampling.Token);

        var (run, tasks) = await SyncDriver.SyncToEndAsync(cluster.Client, projectId, full: false, ct);
        await sampling.CancelAsync();
        await sampler;

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        var differences = await MirrorComparison.CompareAsync(cluster.Database, emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        var stats = emulator.GetStats();
        // Every review's children fetched exactly once: a window never fetches a list twice in a clean run.
        Assert.Equal(differences.ExpectedReviews, stats.Count($"{ReviewsApi}/reviews/{{reviewId}}/versions"));
        Assert.Equal(differences.ExpectedReviews, stats.Count($"{ReviewsApi}/reviews/{{reviewId}}/progress"));

        var children = tasks.Where(static t => t.Spec.Stream is "review_versions" or "review_progress").ToList();
        Assert.Equal(2, children.Count);
        var elapsed = children.Max(static t => t.FinishedAt!.Value) - children.Min(static t => t.StartedAt!.Value);
        var largest = Math.Max(gauge.Max("review_versions"), gauge.Max("review_progress"));
        Assert.InRange(largest, 1, cap);
        return new CleanRun(differences.ExpectedReviews, children.Sum(static t => t.Progress.RecordsRead), elapsed, largest);
    }

    private static Dictionary<string, string?> Settings(int cap) => new(SyncDriver.FastTasks)
    {
        ["OrleansSync:Streams:MaxChildrenInFlight"] = cap.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // 5xx retried quickly: the test watches the window, not the backoff.
        ["OrleansSync:Acc:BaseDelay"] = "00:00:00.050",
        ["OrleansSync:Acc:MaxDelay"] = "00:00:00.200",
    };

    private sealed record class CleanRun(int Reviews, long Records, TimeSpan Elapsed, int LargestWindow);
}
