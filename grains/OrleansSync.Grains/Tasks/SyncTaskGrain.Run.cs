using Orleans.Storage;
using OrleansSync.Pipeline;
using OrleansSync.Placement;
using OrleansSync.Progress;
using OrleansSync.Resilience;
using OrleansSync.Streams;

namespace OrleansSync.Tasks;

/// <summary>The task's run: read the stream page by page, then record how the run ended.</summary>
public sealed partial class SyncTaskGrain
{
    private DateTimeOffset _lastProgressAt;
    private bool _hung;
    private bool _stale;
    private int _databaseFailures;

    // The run's calls waiting for their turn at the rate budget: slowed, not hung, and shown.
    private readonly BudgetWaits _budgetWaits = new();

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var spec = state.State.Spec!;
        _inLoop = true;
        _lastProgressAt = time.GetUtcNow();
        try
        {
            if (state.State.CancelRequested)
            {
                await FinishAsync(SyncTaskStatus.Cancelled, "Cancelled by request.");
                return;
            }

            if (_pausing)
            {
                await EnterPausedAsync();
                return;
            }

            var now = time.GetUtcNow();
            if (!CircuitBreaker.TryAttempt(state.State.Breaker, now, out var probe))
            {
                // Woken before the probe is due (a reminder, a re-activation): keep waiting.
                ScheduleRun(state.State.Breaker.NextProbeAt!.Value - now);
                return;
            }

            BreakerMoved(probe);
            var runner = runners.SingleOrDefault(r => r.Stream == spec.Stream)
                ?? throw new InvalidRequestException($"No runner for stream '{spec.Stream}'.");
            // Checked again here, not only when the project was added: a project stored before the rules, or by
            // another client, must not make this silo send a secret in clear text or resolve an undeclared variable.
            var baseUrl = secrets.ParseDestination(spec.BaseUrl, $"The base URL of project {spec.ProjectId}");
            var connection = new Acc.AccConnection(baseUrl, spec.ClientId, secrets.Resolve(spec.ClientSecretVariable, silo.Name, $"the client secret variable of project {spec.ProjectId}"), spec.UserId);
            await using var slot = await AcquireSlotAsync(cancellationToken);
            // Every run says where it runs, and that it runs (a started task's first row, a probe, a retry).
            state.State.Status = SyncTaskStatus.Running;
            state.State.NextAttemptAt = null;
            state.State.Silo = silo.Name;
            await AdoptCommittedCountersAsync(cancellationToken);
            _rate.Reset();
            _rate.Add(time.GetUtcNow(), state.State.Progress);
            await PersistAndReportAsync(cancellationToken);

            BudgetWaits.Current = _budgetWaits;
            await foreach (var page in runner.RunAsync(new StreamRun(spec, connection), cancellationToken))
            {
                await OnPageLandedAsync(page);
                if (_pausing)
                {
                    // At a page boundary: the checkpoint holds everything that landed.
                    await EnterPausedAsync();
                    return;
                }
            }

            _databaseFailures = 0;
            BreakerMoved(CircuitBreaker.RecordSuccess(state.State.Breaker));
            await FinishAsync(SyncTaskStatus.Succeeded, null);
        }
        catch (Exception e) when (IsStale(e))
        {
            StopStaleActivation(e);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await StoppedAsync();
        }
        catch (Exception e)
        {
            await AttemptFailedAsync(e);
        }
        finally
        {
            _inLoop = false;
        }
    }

    /// <summary>
    /// One of this silo's run slots (<see cref="TaskSlots"/>), held until the run ends. While none is free the task is
    /// <see cref="SyncTaskStatus.Queued"/> here, and reports it.
    /// </summary>
    private async Task<IAsyncDisposable> AcquireSlotAsync(CancellationToken cancellationToken)
    {
        var slot = await slots.AcquireAsync(
            state.State.Spec!.TaskId,
            () =>
            {
                state.State.Status = SyncTaskStatus.Queued;
                state.State.Silo = silo.Name;
                return PersistAndReportAsync(cancellationToken);
            },
            cancellationToken);
        // The wait in line is not a hang.
        _lastProgressAt = time.GetUtcNow();
        return slot;
    }

    /// <summary>The run's token fired: a cancel, a hang, or the activation going away (which leaves the task as it is).</summary>
    private async Task StoppedAsync()
    {
        if (_stale)
        {
            return;
        }

        if (state.State.CancelRequested)
        {
            await FinishAsync(SyncTaskStatus.Cancelled, "Cancelled by request.");
        }
        else if (_pausing)
        {
            await EnterPausedAsync();
        }
        else if (_hung)
        {
            _hung = false;
            ScheduleRun(TimeSpan.Zero);
        }
    }

    /// <summary>
    /// A page committed, its counters with it: count it in memory and tell the progress writer. The grain state is not
    /// written: after a silo death the next run takes the counters its checkpoint committed.
    /// </summary>
    private async Task OnPageLandedAsync(PageLanded page)
    {
        metrics.PageLanded(state.State.Spec!.Stream, page);
        var now = time.GetUtcNow();
        _lastProgressAt = now;
        _databaseFailures = 0;
        BreakerMoved(CircuitBreaker.RecordSuccess(state.State.Breaker));
        var (p, tally, result) = (state.State.Progress, page.Tally, page.Result);
        state.State.Progress = new TaskProgress(
            p.Pages + tally.Pages,
            p.RecordsRead + tally.RecordsRead,
            p.Inserted + result.Inserted,
            p.Updated + result.Updated,
            p.Unchanged + result.Unchanged,
            p.DeadLettered + result.DeadLettered,
            tally.TotalRecords ?? p.TotalRecords,
            p.Calls + tally.Calls,
            p.Throttled + tally.Throttled,
            tally.TotalPages ?? p.TotalPages);
        _rate.Add(now, state.State.Progress);
        await ReportAsync(CancellationToken.None);
    }

    /// <summary>
    /// Takes the counters this task's last checkpoint committed when they are ahead of the state's (pages landed after
    /// the state was last written, by an activation that died). Calls made by attempts that landed nothing stay as counted.
    /// </summary>
    private async Task AdoptCommittedCountersAsync(CancellationToken cancellationToken)
    {
        var spec = state.State.Spec!;
        if (await mirror.ReadTaskCountersAsync(spec.ProjectId, spec.TaskId, cancellationToken) is not { } c)
        {
            return;
        }

        var p = state.State.Progress;
        if (c.Pages > p.Pages)
        {
            state.State.Progress = new TaskProgress(
                c.Pages, c.RecordsRead, c.Inserted, c.Updated, c.Unchanged, c.DeadLettered, c.TotalRecords ?? p.TotalRecords, Math.Max(c.Calls, p.Calls), Math.Max(c.Throttled, p.Throttled), p.TotalPages);
        }
    }

    /// <summary>Decides what a failed run means: fail now, wait for a retry or a probe, or wait for PostgreSQL.</summary>
    private async Task AttemptFailedAsync(Exception error)
    {
        var spec = state.State.Spec!;
        var kind = TaskFailures.Classify(error);
        LogWarningAttemptFailed(logger, error, spec.TaskId, state.State.Attempts, kind);
        if (kind == FailureKind.DatabaseUnavailable)
        {
            WaitForDatabase();
            return;
        }

        try
        {
            var now = time.GetUtcNow();
            AddError(state.State.Attempts, $"{error.GetType().Name}: {error.Message}");
            if (kind == FailureKind.Permanent)
            {
                await FinishAsync(SyncTaskStatus.Failed, null);
                return;
            }

            metrics.AttemptFailed(spec.Stream, kind);
            TimeSpan delay;
            if (kind == FailureKind.Throttled)
            {
                // Flow control, not failure: the breaker does not hear of it.
                delay = Options.RetryDelay(1, Options.Breaker.OpenTime);
            }
            else
            {
                var breaker = state.State.Breaker;
                var moved = CircuitBreaker.RecordFailure(breaker, Options.Breaker, now);
                BreakerMoved(moved);
                if (breaker.Phase == BreakerPhase.Open && now - breaker.FailingSince > Options.GiveUpAfter)
                {
                    await FinishAsync(SyncTaskStatus.Failed, $"Gave up: upstream has failed since {breaker.FailingSince:u} (longer than OrleansSync:Tasks:GiveUpAfter, {Options.GiveUpAfter}).");
                    return;
                }

                delay = breaker.Phase == BreakerPhase.Open ? breaker.NextProbeAt!.Value - now : Options.RetryDelay(breaker.ConsecutiveFailures);
            }

            state.State.Attempts++;
            state.State.Status = SyncTaskStatus.Waiting;
            state.State.NextAttemptAt = now + delay;
            await PersistAndReportAsync(CancellationToken.None);
            ScheduleRun(delay);
        }
        catch (Exception e) when (IsStale(e))
        {
            StopStaleActivation(e);
        }
        catch (Exception e)
        {
            // Recording the failure needs PostgreSQL (and the progress writer) too: try the whole run again later;
            // what is in memory is written then.
            LogWarningRecordFailed(logger, e, spec.TaskId);
            WaitForDatabase();
        }
    }

    /// <summary>PostgreSQL is away (or what records the run is): retry the run later, from memory, spending no upstream attempt.</summary>
    private void WaitForDatabase()
    {
        _databaseFailures++;
        var delay = Options.RetryDelay(_databaseFailures, Options.DatabaseMaxDelay);
        LogWarningWaitingForDatabase(logger, state.State.Spec!.TaskId, (long)delay.TotalMilliseconds);
        ScheduleRun(delay);
    }

    private async Task FinishAsync(SyncTaskStatus status, string? error)
    {
        var spec = state.State.Spec!;
        if (error is not null)
        {
            AddError(state.State.Attempts, error);
        }

        state.State.Status = status;
        state.State.FinishedAt = time.GetUtcNow();
        state.State.NextAttemptAt = null;
        _nextRun?.Dispose();
        _nextRun = null;
        Touch();
        try
        {
            await PersistAsync(CancellationToken.None);
        }
        catch (Exception e) when (!IsStale(e))
        {
            // The end is in memory; publishing it (retried by the heartbeat and the watchdog) persists it again.
            LogWarningPublishFailed(logger, e, spec.TaskId);
        }

        LogInformationFinished(logger, spec.TaskId, status, state.State.Progress.RecordsRead);
        metrics.TaskFinished(spec.Stream, status);
        metrics.BreakerForgotten(spec.TaskId);
        await PublishTerminalAsync();
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
        if (_budgetWaits.Waiting > 0)
        {
            // Waiting for its turn at the budget is progress at the budget's pace.
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

    private static bool IsStale(Exception e) => e is InconsistentStateException or StaleCheckpointException;

    /// <summary>
    /// Another activation wrote this task's state or checkpoint: this one's view is stale. It writes nothing more and
    /// goes; the next call or the watchdog re-activates the task from what is stored.
    /// </summary>
    private void StopStaleActivation(Exception e)
    {
        _stale = true;
        metrics.StaleActivation();
        LogWarningStale(logger, e, state.State.Spec!.TaskId, silo.Name);
        _nextRun?.Dispose();
        _nextRun = null;
        _running?.Cancel();
        DeactivateOnIdle();
    }

    private void BreakerMoved(BreakerTransition transition)
    {
        if (transition == BreakerTransition.None)
        {
            return;
        }

        var spec = state.State.Spec!;
        metrics.BreakerTransition("task", transition);
        metrics.BreakerObserved(spec.TaskId, state.State.Breaker.Phase);
        LogInformationBreaker(logger, spec.TaskId, transition, state.State.Breaker.NextProbeAt);
    }

    private void AddError(int attempt, string message)
    {
        state.State.Errors.Add(new TaskError(time.GetUtcNow(), attempt, StorableText.Clean(message, 1000)));
        if (state.State.Errors.Count > Options.KeptErrors)
        {
            state.State.Errors.RemoveRange(0, state.State.Errors.Count - Options.KeptErrors);
        }
    }

    /// <summary>A status change: written to the grain state, then reported.</summary>
    private async Task PersistAndReportAsync(CancellationToken cancellationToken)
    {
        Touch();
        await PersistAsync(cancellationToken);
        await SendToProgressWriterAsync(View(), cancellationToken);
    }

    /// <summary>Progress within a status: reported only; the progress writer coalesces it.</summary>
    private Task ReportAsync(CancellationToken cancellationToken)
    {
        Touch();
        return SendToProgressWriterAsync(View(), cancellationToken);
    }

    /// <summary>To this task's progress writer (always the same one, by its id).</summary>
    private Task SendToProgressWriterAsync(TaskView view, CancellationToken cancellationToken) =>
        GrainFactory.GetGrain<IProgressWriterGrain>(ProgressBuckets.For(view.Spec.TaskId)).ReportAsync(view, cancellationToken);

    /// <summary>Every change of what the task reports gets a new sequence, so its progress row never goes back.</summary>
    private void Touch()
    {
        state.State.Sequence++;
        state.State.UpdatedAt = time.GetUtcNow();
    }

    private async Task PersistAsync(CancellationToken cancellationToken)
    {
        if (_stale)
        {
            throw new InconsistentStateException("This activation of the task is stale; it writes nothing more.");
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var status = state.State.Status;
            await state.WriteStateAsync(cancellationToken);
            _savedStatus = status;
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
