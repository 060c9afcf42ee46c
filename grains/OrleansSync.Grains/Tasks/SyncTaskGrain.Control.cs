using OrleansSync.Backfills;
using OrleansSync.Projects;

namespace OrleansSync.Tasks;

/// <summary>
/// Pause, resume and retry, asked for by a user. Pause lets the page in flight land and stops before the next one,
/// keeping the checkpoint; resume and retry continue from that checkpoint. Each refuses a task in the wrong state,
/// saying which states it accepts.
/// </summary>
public sealed partial class SyncTaskGrain
{
    public async Task<TaskView?> PauseAsync(CancellationToken cancellationToken = default)
    {
        if (state.State.Spec is not { } spec)
        {
            return null;
        }

        var status = state.State.Status;
        if (status is not (SyncTaskStatus.Pending or SyncTaskStatus.Queued or SyncTaskStatus.Running or SyncTaskStatus.Waiting) || state.State.CancelRequested)
        {
            throw new InvalidRequestException(
                $"Task {spec.TaskId} is {(state.State.CancelRequested ? "being cancelled" : status.ToText())}: only a pending, queued, running or waiting task can be paused.");
        }

        _pausing = true;
        try
        {
            if (LoopRunning && _loop is { } loop)
            {
                if (status == SyncTaskStatus.Queued)
                {
                    // Nothing in flight to let land.
                    _running?.Cancel();
                }
                else if (await Task.WhenAny(loop, Task.Delay(Options.PauseGrace, time, cancellationToken)) != loop)
                {
                    // The page in flight is taking too long: drop it (its transaction rolls back; resume fetches it again).
                    _running?.Cancel();
                }

                await loop;
            }

            if (MayRun)
            {
                try
                {
                    // It was waiting for a retry or a probe, or the run stopped before it could record the pause.
                    await EnterPausedAsync();
                }
                catch (Exception e) when (e is not OperationCanceledException && _savedStatus != state.State.Status)
                {
                    // Not stored: tried once more just below, and refused to the caller if it fails again.
                }
            }

            try
            {
                await SaveBeforeReportingAsync("pause", cancellationToken);
            }
            catch (TaskNotSavedException)
            {
                // Not paused where another silo would look, so not paused here either: the task goes on as stored.
                state.State.Status = _savedStatus ?? SyncTaskStatus.Pending;
                _pausing = false;
                ResumeRun();
                throw;
            }
        }
        finally
        {
            _pausing = false;
        }

        return View();
    }

    public async Task<TaskView?> ResumeAsync(CancellationToken cancellationToken = default)
    {
        if (state.State.Spec is not { } spec)
        {
            return null;
        }

        if (state.State.Status != SyncTaskStatus.Paused)
        {
            throw new InvalidRequestException($"Task {spec.TaskId} is {state.State.Status.ToText()}: only a paused task can be resumed.");
        }

        // Stored before the run starts: a silo dying right after must not leave the task paused. The run records
        // Running (and where it runs) as it starts, from the checkpoint.
        state.State.Status = SyncTaskStatus.Pending;
        Touch();
        try
        {
            await SaveBeforeReportingAsync("resume", cancellationToken);
        }
        catch
        {
            state.State.Status = SyncTaskStatus.Paused;
            throw;
        }

        ScheduleRun(TimeSpan.Zero);
        return View();
    }

    public async Task<TaskView?> RetryAsync(CancellationToken cancellationToken = default)
    {
        if (state.State.Spec is not { } spec)
        {
            return null;
        }

        // A day's task reports its end to its backfill, which would not hear of a retry made behind its back.
        if (spec is { BackfillId: { } backfill, From: { } from })
        {
            var day = BackfillIds.Day(DateOnly.FromDateTime(from.UtcDateTime));
            throw new InvalidRequestException(
                $"Task {spec.TaskId} is day {day} of backfill {backfill}: retry the day with 'orleanssync backfill retry {backfill} --day {day}', which runs it again from its checkpoint.");
        }

        if (state.State.Status != SyncTaskStatus.Failed)
        {
            throw new InvalidRequestException($"Task {spec.TaskId} is {state.State.Status.ToText()}: only a failed task can be retried.");
        }

        if (spec.BackfillId is null
            && await GrainFactory.GetGrain<IProjectGrain>(spec.ProjectId).GetAsync(cancellationToken) is { CurrentRun: { } run }
            && run.Tasks.Any(t => t.Stream == spec.Stream && t.TaskId != spec.TaskId && !t.Status.IsTerminal()))
        {
            throw new InvalidRequestException(
                $"Project {spec.ProjectId} is running {spec.Stream} in run {run.RunId}: a project never runs two tasks of one stream at once. Retry task {spec.TaskId} after that run ends.");
        }

        var s = state.State;
        var before = (s.FinishedAt, s.ProjectNotified, s.Attempts, s.Breaker, s.CancelRequested, s.NextAttemptAt);
        s.Status = SyncTaskStatus.Pending;
        s.FinishedAt = null;
        s.ProjectNotified = false;
        s.CancelRequested = false;
        s.NextAttemptAt = null;
        s.Attempts++;
        s.Breaker = new Resilience.BreakerState();
        try
        {
            await this.RegisterOrUpdateReminder(WatchdogReminder, Options.WatchdogPeriod, Options.WatchdogPeriod, cancellationToken);
            Touch();
            await PersistAsync(cancellationToken);
        }
        catch
        {
            s.Status = SyncTaskStatus.Failed;
            (s.FinishedAt, s.ProjectNotified, s.Attempts, s.Breaker, s.CancelRequested, s.NextAttemptAt) = before;
            throw;
        }

        ScheduleRun(TimeSpan.Zero);
        return View();
    }

    /// <summary>
    /// What a control call reports must outlive this silo: the task's state is written (again, when an earlier write
    /// failed) before the call returns, or the call fails saying so. The task keeps what it did in memory, and its
    /// heartbeat keeps trying to store an unsaved end; a silo that dies first leaves the task as last stored.
    /// </summary>
    private async Task SaveBeforeReportingAsync(string request, CancellationToken cancellationToken)
    {
        if (_savedStatus == state.State.Status)
        {
            return;
        }

        try
        {
            await PersistAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var taskId = state.State.Spec!.TaskId;
            LogWarningControlNotSaved(logger, e, taskId, request);
            throw new TaskNotSavedException(
                $"Task {taskId}: the {request} could not be saved ({e.GetType().Name}: {Pipeline.StorableText.Clean(e.Message.Split('\n')[0], 300)}), so it is not done yet: "
                + $"were the task's silo to stop now, the task would go on as last saved. Run 'orleanssync task {request} {taskId}' again.");
        }
    }

    /// <summary>Records the pause: nothing runs or is armed until <see cref="ResumeAsync"/>.</summary>
    private async Task EnterPausedAsync()
    {
        _nextRun?.Dispose();
        _nextRun = null;
        _rate.Reset();
        state.State.Status = SyncTaskStatus.Paused;
        state.State.NextAttemptAt = null;
        await PersistAndReportAsync(CancellationToken.None);
        LogInformationPaused(logger, state.State.Spec!.TaskId, state.State.Progress.Pages);
    }
}
