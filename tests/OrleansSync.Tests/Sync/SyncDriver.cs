using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>Adds emulator projects and runs syncs to the end, as the CLI does, through any cluster client.</summary>
public static class SyncDriver
{
    /// <summary>The variable every test silo reads the emulator's client secret from (set in this process and passed to silo processes).</summary>
    public const string SecretVariable = "ORLEANSSYNC_SECRET_TEST_ACC";

    public static IReadOnlyDictionary<string, string?> FastTasks { get; } = new Dictionary<string, string?>
    {
        ["OrleansSync:Tasks:WatchdogPeriod"] = "00:00:03",
        ["OrleansSync:Tasks:RetryBaseDelay"] = "00:00:00.200",
        ["OrleansSync:Progress:FlushInterval"] = "00:00:00.500",
    };

    /// <summary>
    /// Breakers that trip and probe in seconds, and a client that retries once, so outages play out within a test.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> FastBreakers { get; } = new Dictionary<string, string?>(FastTasks)
    {
        ["OrleansSync:Tasks:Breaker:Failures"] = "3",
        ["OrleansSync:Tasks:Breaker:OpenTime"] = "00:00:03",
        ["OrleansSync:Tasks:Breaker:MaxOpenTime"] = "00:00:12",
        ["OrleansSync:Acc:MaxRetries"] = "1",
        ["OrleansSync:Acc:BaseDelay"] = "00:00:00.050",
        ["OrleansSync:Acc:MaxDelay"] = "00:00:00.500",
    };

    /// <summary>Starts a run (incremental) without waiting for it, and waits until its reviews task has landed <paramref name="pages"/> pages.</summary>
    public static async Task<SyncStarted> StartAndWaitForReviewPagesAsync(IClusterClient client, string projectId, int pages, CancellationToken ct)
    {
        var started = await client.GetGrain<IProjectGrain>(projectId).SyncAsync(new SyncRequest(null, Full: false, "test"), ct);
        await Eventually.UntilAsync(
            async () => (await CurrentTasksAsync(client, projectId, ct)).Any(t => t.Spec.Stream == "reviews" && t.Progress.Pages >= pages),
            TimeSpan.FromMinutes(1),
            $"the reviews task to land {pages} page(s)",
            ct);
        return started;
    }

    /// <summary>The tasks of the project's current run that have started, as their grains see themselves.</summary>
    public static async Task<List<TaskView>> CurrentTasksAsync(IClusterClient client, string projectId, CancellationToken ct)
    {
        var views = new List<TaskView>();
        var run = (await client.GetGrain<IProjectGrain>(projectId).GetAsync(ct))?.CurrentRun;
        foreach (var task in run?.Tasks ?? [])
        {
            if (await client.GetGrain<ISyncTaskGrain>(task.TaskId).GetAsync(ct) is { } view)
            {
                views.Add(view);
            }
        }

        return views;
    }

    public static async Task<ProjectView> AddProjectAsync(IClusterClient client, AccEmulator emulator, string projectId, CancellationToken ct)
    {
        Environment.SetEnvironmentVariable(SecretVariable, emulator.DefaultClient.ClientSecret);
        var spec = new ProjectSpec(projectId, "acc", emulator.BaseUrl.AbsoluteUri, emulator.DefaultClient.ClientId, SecretVariable, "test-user", [], null);
        return await client.GetGrain<IProjectGrain>(projectId).ConfigureAsync(spec, ct);
    }

    /// <summary>Adds every project of the emulator's dataset.</summary>
    public static async Task AddProjectsAsync(IClusterClient client, AccEmulator emulator, CancellationToken ct)
    {
        foreach (var projectId in emulator.ProjectIds)
        {
            await AddProjectAsync(client, emulator, projectId, ct);
        }
    }

    /// <summary>Starts an incremental run of every project at once, without waiting for them.</summary>
    public static Task<SyncStarted[]> StartRunsAsync(IClusterClient client, IEnumerable<string> projectIds, CancellationToken ct) =>
        Task.WhenAll(projectIds.Select(p => client.GetGrain<IProjectGrain>(p).SyncAsync(new SyncRequest(null, Full: false, "test"), ct)));

    /// <summary>Waits for every started run to finish.</summary>
    public static Task<(RunView Run, List<TaskView> Tasks)[]> WaitForRunsAsync(
        IClusterClient client, IEnumerable<SyncStarted> started, CancellationToken ct, TimeSpan? timeout = null) =>
        Task.WhenAll(started.Select(s => WaitForRunAsync(client, s.Run.ProjectId, s.Run.RunId, ct, timeout)));

    public static async Task<(RunView Run, List<TaskView> Tasks)> SyncToEndAsync(
        IClusterClient client, string projectId, bool full, CancellationToken ct, TimeSpan? timeout = null)
    {
        var started = await client.GetGrain<IProjectGrain>(projectId).SyncAsync(new SyncRequest(null, full, "test"), ct);
        return await WaitForRunAsync(client, projectId, started.Run.RunId, ct, timeout);
    }

    public static async Task<(RunView Run, List<TaskView> Tasks)> WaitForRunAsync(
        IClusterClient client, string projectId, string runId, CancellationToken ct, TimeSpan? timeout = null)
    {
        var run = await Eventually.ValueAsync(
            async () =>
            {
                var view = await client.GetGrain<IProjectGrain>(projectId).GetRunAsync(runId, ct);
                return view?.FinishedAt is null ? null : view;
            },
            timeout ?? TimeSpan.FromMinutes(3),
            $"run {runId} of {projectId} to finish",
            ct,
            // A silo going away mid-test: the next poll reaches the project on a survivor.
            Eventually.AnyFailure);
        var tasks = new List<TaskView>();
        foreach (var task in run.Tasks)
        {
            // A client still holding a dead silo as its gateway fails a call or two after a kill: ask again.
            TaskView? view = null;
            await Eventually.UntilAsync(
                async () =>
                {
                    view = await client.GetGrain<ISyncTaskGrain>(task.TaskId).GetAsync(ct);
                    return true;
                },
                TimeSpan.FromSeconds(60),
                $"task {task.TaskId}'s view",
                ct,
                Eventually.AnyFailure);

            // Tasks the run never started (children of a failed reviews task) have no grain state.
            if (view is not null)
            {
                tasks.Add(view);
            }
        }

        return (run, tasks);
    }

    public static string Describe(IEnumerable<TaskView> tasks) =>
        string.Join("; ", tasks.Select(static t => $"{t.Spec.Stream}={t.Status} read {t.Progress.RecordsRead} errors [{string.Join(" | ", t.Errors.Select(static e => e.Message))}]"));
}
