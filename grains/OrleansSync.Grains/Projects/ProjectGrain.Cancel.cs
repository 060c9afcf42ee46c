using Microsoft.Extensions.Logging;
using Npgsql;
using OrleansSync.Resilience;
using OrleansSync.Tasks;

namespace OrleansSync.Projects;

/// <summary>
/// Ending a run its bookkeeping cannot finish: <c>orleanssync run cancel</c>, or a write PostgreSQL refuses for good
/// (a constraint, bad text), which no retry would get past.
/// </summary>
public sealed partial class ProjectGrain
{
    public async Task<RunView> CancelRunAsync(CancellationToken cancellationToken = default)
    {
        var run = state.State.CurrentRun
            ?? throw new InvalidRequestException($"Project {ProjectId} has no run in progress: nothing to cancel ('orleanssync project show {ProjectId}' shows its last run).");
        var ended = await EndRunAsync(run, SyncTaskStatus.Cancelled, error: null, cancellationToken);
        try
        {
            // Best effort: when the history is what was stuck, the run still ends here; its row keeps its last state.
            await CloseHistoryAsync(run, SyncTaskStatus.Cancelled, ended.FinishedAt!.Value, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogWarningCancelHistory(logger, e, ProjectId, run.RunId);
        }

        LogInformationRunCancelled(logger, ProjectId, run.RunId);
        return ended;
    }

    /// <summary>The run's bookkeeping was refused for good: it ends failed, naming why (its history row cannot say it).</summary>
    private async Task EndRunRefusedAsync(PostgresException refused)
    {
        if (state.State.CurrentRun is { } run)
        {
            var error = RetriedBookkeeping.Describe(refused);
            await EndRunAsync(run, SyncTaskStatus.Failed, error, CancellationToken.None);
            LogErrorRunRefused(logger, refused, ProjectId, run.RunId, error);
        }
    }

    /// <summary>Ends <paramref name="run"/> now with <paramref name="status"/>; its unfinished tasks are cancelled.</summary>
    private async Task<RunView> EndRunAsync(RunState run, SyncTaskStatus status, string? error, CancellationToken cancellationToken)
    {
        var open = run.Tasks.Where(static t => !t.IsTerminal).ToList();
        var before = (state.State.LastRun, Earlier: state.State.EarlierRuns?.ToList(), Statuses: open.Select(static t => t.Status).ToList());
        foreach (var task in open)
        {
            task.Status = SyncTaskStatus.Cancelled;
        }

        state.State.Finished(run.ToView(ProjectId, status, time.GetUtcNow()) with { Error = error });
        state.State.CurrentRun = null;
        try
        {
            await Writes.WriteAsync(cancellationToken);
        }
        catch
        {
            state.State.CurrentRun = run;
            state.State.LastRun = before.LastRun;
            state.State.EarlierRuns = before.Earlier;
            for (var i = 0; i < open.Count; i++)
            {
                open[i].Status = before.Statuses[i];
            }

            throw;
        }

        // Not awaited: a task that stops reports its end to this grain, which would wait on this very call.
        foreach (var task in open.Where(static t => t.Started))
        {
            GrainFactory.GetGrain<ISyncTaskGrain>(task.TaskId).CancelAsync(CancellationToken.None).Ignore();
        }

        await UnregisterReminderAsync(RunReminder, cancellationToken);
        return state.State.LastRun;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Project {ProjectId} cancelled run {RunId} by request")]
    private static partial void LogInformationRunCancelled(ILogger logger, string projectId, string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Project {ProjectId} cancelled run {RunId}, but could not record that in sync.runs")]
    private static partial void LogWarningCancelHistory(ILogger logger, Exception error, string projectId, string runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Project {ProjectId} ended run {RunId} failed: {Reason}")]
    private static partial void LogErrorRunRefused(ILogger logger, Exception error, string projectId, string runId, string reason);
}
