using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Tasks;

namespace OrleansSync.Benchmarks.Hosting;

/// <summary>Adds emulator projects and runs syncs to their end through any cluster client, as the CLI does.</summary>
public static class Syncs
{
    /// <summary>The variable silos read the emulator's client secret from (set here for in-process silos, passed to silo processes).</summary>
    public const string SecretVariable = "ORLEANSSYNC_SECRET_BENCH_ACC";

    /// <summary>What a silo process needs to call the emulator.</summary>
    public static Dictionary<string, string?> SiloEnvironment(AccEmulator emulator) => new()
    {
        [SecretVariable] = emulator.DefaultClient.ClientSecret,
        // No quota on these emulators unless a scenario sets one, and the budget with it (RateCase.BudgetEnvironment).
        ["OrleansSync__RateBudget__Enabled"] = "false",
    };

    /// <param name="emulator">The upstream and its credential.</param>
    /// <param name="projectId">An emulator project.</param>
    /// <param name="streams">Empty for every stream.</param>
    /// <param name="every">A schedule, or null for none.</param>
    public static ProjectSpec Spec(AccEmulator emulator, string projectId, IReadOnlyList<string>? streams = null, TimeSpan? every = null) =>
        new(projectId, "acc", emulator.BaseUrl.AbsoluteUri, emulator.DefaultClient.ClientId, SecretVariable, "bench-user", streams ?? [], every);

    public static async Task AddProjectsAsync(IClusterClient client, AccEmulator emulator, IEnumerable<string> projectIds, CancellationToken cancellationToken)
    {
        Environment.SetEnvironmentVariable(SecretVariable, emulator.DefaultClient.ClientSecret);
        foreach (var projectId in projectIds)
        {
            await client.GetGrain<IProjectGrain>(projectId).ConfigureAsync(Spec(emulator, projectId), cancellationToken);
        }
    }

    /// <summary>Starts a first (full) run of every project at once.</summary>
    public static Task<SyncStarted[]> StartAsync(IClusterClient client, IEnumerable<string> projectIds, CancellationToken cancellationToken) =>
        Task.WhenAll(projectIds.Select(p => client.GetGrain<IProjectGrain>(p).SyncAsync(new SyncRequest(null, Full: true, "benchmark"), cancellationToken)));

    /// <summary>Waits until every started run has finished; returns them with their tasks as the task grains see themselves.</summary>
    public static async Task<List<(RunView Run, List<TaskView> Tasks)>> WaitAsync(
        IClusterClient client, IEnumerable<SyncStarted> started, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var results = new List<(RunView, List<TaskView>)>();
        foreach (var s in started)
        {
            var run = await Poll.UntilAsync(
                async () =>
                {
                    try
                    {
                        var view = await client.GetGrain<IProjectGrain>(s.Run.ProjectId).GetRunAsync(s.Run.RunId, cancellationToken).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                        return view?.FinishedAt is null ? null : view;
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        // A silo going away: the next poll reaches the project on a survivor.
                        return null;
                    }
                },
                timeout,
                $"run {s.Run.RunId} of {s.Run.ProjectId} to finish",
                cancellationToken);
            results.Add((run, await TasksAsync(client, run, cancellationToken)));
        }

        return results;
    }

    /// <summary>The started tasks of a run (a task the run never started has no view).</summary>
    public static async Task<List<TaskView>> TasksAsync(IClusterClient client, RunView run, CancellationToken cancellationToken)
    {
        var tasks = new List<TaskView>();
        foreach (var task in run.Tasks)
        {
            if (await client.GetGrain<ISyncTaskGrain>(task.TaskId).GetAsync(cancellationToken) is { } view)
            {
                tasks.Add(view);
            }
        }

        return tasks;
    }

    /// <summary>The p-th percentile (0–100) of <paramref name="values"/>, interpolated; 0 when empty.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        var rank = p / 100 * (sorted.Count - 1);
        var (low, high) = ((int)Math.Floor(rank), (int)Math.Ceiling(rank));
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}
