using OrleansSync.Client.Cli;
using OrleansSync.Projects;
using OrleansSync.Tasks;

namespace OrleansSync.Client.Syncing;

/// <summary>
/// Polls a run and its tasks until the run ends, or, for a run whose tasks stream, until <paramref name="catchUp"/> is
/// reached (the run goes on). Calls that fail while a gateway goes away are retried: the client
/// reconnects through another silo (gateways are re-read from the membership table).
/// </summary>
public sealed class RunWatcher(IClusterClient client, string projectId, string runId, SourceCatchUp? catchUp = null)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan OutageLimit = TimeSpan.FromMinutes(2);

    public async Task<(RunView Run, IReadOnlyList<TaskView> Tasks)> WatchAsync(Func<RunView, IReadOnlyList<TaskView>, Task> onUpdate, CancellationToken cancellationToken)
    {
        var lastSuccess = DateTimeOffset.UtcNow;
        while (true)
        {
            try
            {
                var (run, tasks) = await ReadAsync(cancellationToken);
                lastSuccess = DateTimeOffset.UtcNow;
                await onUpdate(run, tasks);
                if (run.FinishedAt is not null || catchUp?.Reached(run, tasks) == true)
                {
                    return (run, tasks);
                }

                if (catchUp is not null)
                {
                    await catchUp.NudgeAsync(client, tasks, cancellationToken);
                }
            }
            catch (Exception e) when (e is not (OperationCanceledException or CliException or InvalidRequestException))
            {
                if (DateTimeOffset.UtcNow - lastSuccess > OutageLimit)
                {
                    throw CliException.Unreachable($"Lost the cluster for over {OutageLimit.TotalMinutes:0} minutes while watching run {runId}: {e.Message}", e);
                }
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private async Task<(RunView Run, IReadOnlyList<TaskView> Tasks)> ReadAsync(CancellationToken cancellationToken)
    {
        var run = await client.GetGrain<IProjectGrain>(projectId).GetRunAsync(runId, cancellationToken)
            ?? throw CliException.BadInput($"Run {runId} of project {projectId} is no longer known to the project.");
        var tasks = new List<TaskView>();
        foreach (var task in run.Tasks)
        {
            if (await client.GetGrain<ISyncTaskGrain>(task.TaskId).GetAsync(cancellationToken) is { } view)
            {
                tasks.Add(view);
            }
        }

        return (run, tasks);
    }
}
