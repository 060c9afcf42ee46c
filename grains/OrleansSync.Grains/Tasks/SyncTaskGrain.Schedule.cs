using OrleansSync.Backfills;
using OrleansSync.Projects;

namespace OrleansSync.Tasks;

/// <summary>
/// When the task runs: now, at a retry or probe time (a timer), or again after a hang; and what it still owes (its
/// end published), checked by the heartbeat and the watchdog reminder.
/// </summary>
public sealed partial class SyncTaskGrain
{
    /// <summary>
    /// What the task still owes, done now (the watchdog and the heartbeat call this): publishing how it ended, or its
    /// next run when nothing runs or is armed (e.g. PostgreSQL was away while it recorded a status).
    /// </summary>
    private async Task CatchUpAsync()
    {
        if (state.State.Status.IsTerminal())
        {
            if (!state.State.ProjectNotified)
            {
                await PublishTerminalAsync();
            }
        }
        else if (MayRun && !LoopRunning && _nextRun is null && !_stale)
        {
            ResumeRun();
        }
    }

    /// <summary>The run, when it is due: now, or at the retry or probe time the task waits for.</summary>
    private void ResumeRun() => ScheduleRun(state.State.NextAttemptAt is { } due ? due - time.GetUtcNow() : TimeSpan.Zero);

    /// <summary>
    /// Starts the run now, or arms a timer for it (always a timer when called from the run itself, which must end
    /// first). A requested cancel wins: while a canceller waits for the run, nothing is armed.
    /// </summary>
    private void ScheduleRun(TimeSpan delay)
    {
        StartHeartbeat();
        _nextRun?.Dispose();
        _nextRun = null;
        if (state.State.CancelRequested)
        {
            if (!LoopRunning)
            {
                StartLoop();
            }

            return;
        }

        if (delay <= TimeSpan.Zero && !LoopRunning)
        {
            StartLoop();
            return;
        }

        _nextRun = this.RegisterGrainTimer(
            static (grain, _) =>
            {
                grain._nextRun?.Dispose();
                grain._nextRun = null;
                grain.ScheduleRun(grain.LoopRunning ? TimeSpan.FromMilliseconds(50) : TimeSpan.Zero);
                return Task.CompletedTask;
            },
            this,
            new GrainTimerCreationOptions { DueTime = delay > TimeSpan.Zero ? delay : TimeSpan.FromMilliseconds(1), Period = Timeout.InfiniteTimeSpan, Interleave = true, KeepAlive = true });
    }

    private void StartLoop()
    {
        _running = new CancellationTokenSource();
        _loop = RunAsync(_running.Token);
    }

    private void StartHeartbeat() =>
        _heartbeat ??= this.RegisterGrainTimer(
            static (grain, _) => grain.HeartbeatAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = Options.HeartbeatPeriod, Period = Options.HeartbeatPeriod, Interleave = true, KeepAlive = true });

    private void StopHeartbeat()
    {
        _heartbeat?.Dispose();
        _heartbeat = null;
    }

    /// <summary>Checked by the heartbeat: a run that lands nothing for <see cref="SyncTaskOptions.HungAfter"/> is restarted; an unpublished end is published.</summary>
    private async Task HeartbeatAsync()
    {
        var s = state.State;
        if (s.Spec is null)
        {
            return;
        }

        await CatchUpAsync();
        await RefreshLagAsync();
        if (_waits.Any)
        {
            // Waiting for its turn at the budget is progress at the budget's pace; a follower waiting for its leader
            // goes at the leader's.
            _lastProgressAt = time.GetUtcNow();
        }

        if (s.Status == SyncTaskStatus.Running && LoopRunning && !_hung && time.GetUtcNow() - _lastProgressAt > Options.HungAfter)
        {
            _hung = true;
            s.HungRestarts++;
            metrics.TaskHung(s.Spec.Stream);
            LogWarningHung(logger, s.Spec.TaskId, _lastProgressAt);
            AddError(s.Attempts, $"Hung: nothing landed since {_lastProgressAt:u} (OrleansSync:Tasks:HungAfter is {Options.HungAfter}); restarted from the checkpoint.");
            _running?.Cancel();
        }
    }

    /// <summary>
    /// Writes the terminal progress row and tells the project, handing it the final view. Until both have happened
    /// the heartbeat and the watchdog keep calling this, so terminal progress is never lost and the run always
    /// learns how its task ended.
    /// </summary>
    private async Task PublishTerminalAsync()
    {
        var spec = state.State.Spec!;
        try
        {
            if (_savedStatus != state.State.Status)
            {
                // An end nobody could find after this silo dies is not told: a failed write is tried again first.
                await PersistAsync(CancellationToken.None);
            }

            var view = View();
            await SendToProgressWriterAsync(view, CancellationToken.None);
            // A backfill day reports to its backfill, a run's task to its project.
            await (spec.BackfillId is { } backfill
                ? GrainFactory.GetGrain<IBackfillGrain>(backfill).TaskFinishedAsync(view)
                : GrainFactory.GetGrain<IProjectGrain>(spec.ProjectId).TaskFinishedAsync(view));
            state.State.ProjectNotified = true;
            await PersistAsync(CancellationToken.None);
            StopHeartbeat();
            await UnregisterWatchdogAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogWarningPublishFailed(logger, e, spec.TaskId);
        }
    }

    private async Task UnregisterWatchdogAsync()
    {
        if (await this.GetReminder(WatchdogReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
