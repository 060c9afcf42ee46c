using OrleansSync.Pipeline;
using OrleansSync.Placement;
using OrleansSync.Resilience;
using OrleansSync.Sources;

namespace OrleansSync.Tasks;

/// <summary>The task's run: read the stream page by page, then record how the run ended.</summary>
public sealed partial class SyncTaskGrain
{
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
            var kind = kinds.Of(spec.Source);
            var runner = kind.Runner(spec.Stream)
                ?? throw new InvalidRequestException($"Source '{kind.Name}' has no stream '{spec.Stream}': 'orleanssync project show {spec.ProjectId}' lists the project's streams.");
            // Connected on every run, not only checked when the project was added: a project stored before the rules, or
            // by another client, must not make this silo send a secret in clear text or resolve an undeclared variable.
            await using var connection = await kind.ConnectAsync(spec, silo.Name, cancellationToken);
            // A stream that never ends runs beside the slots; any other holds one, which it may give back while it waits.
            var held = kind.NeverEnds(spec) ? null : await AcquireSlotAsync(cancellationToken);
            await using var slot = (IAsyncDisposable?)held ?? slots.RunBeside(spec.TaskId);
            // Every run says where it runs, and that it runs (a started task's first row, a probe, a retry).
            state.State.Status = SyncTaskStatus.Running;
            state.State.NextAttemptAt = null;
            state.State.Silo = silo.Name;
            await AdoptCommittedCountersAsync(cancellationToken);
            _rate.Reset();
            _rate.Add(time.GetUtcNow(), state.State.Progress);
            await PersistAndReportAsync(cancellationToken);

            RunWaits.Current = _waits;
            await foreach (var page in runner.RunAsync(new StreamRun(spec, connection, () => (_wantedPosition, _positionWanted.Task), held), cancellationToken))
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
    private async Task<TaskSlots.Held> AcquireSlotAsync(CancellationToken cancellationToken)
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
        return new TaskSlots.Held(slots, state.State.Spec!.TaskId, slot);
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
        metrics.PageLanded(state.State.Spec!.Stream, page.Tally, page.Result);
        var now = time.GetUtcNow();
        _lastProgressAt = now;
        _databaseFailures = 0;
        if (!page.UpstreamFailed)
        {
            // A dead letter for upstream's failure is no success: an outage met by a children walk opens the breaker.
            BreakerMoved(CircuitBreaker.RecordSuccess(state.State.Breaker));
        }

        _appliedPosition = page.Position ?? _appliedPosition;
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
            tally.TotalPages ?? p.TotalPages,
            p.Deleted + result.Deleted);
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
        if (await checkpoints.ReadTaskCountersAsync(spec.ProjectId, spec.TaskId, cancellationToken) is not { } c)
        {
            return;
        }

        var p = state.State.Progress;
        if (c.Pages > p.Pages)
        {
            state.State.Progress = new TaskProgress(
                c.Pages, c.RecordsRead, c.Inserted, c.Updated, c.Unchanged, c.DeadLettered, c.TotalRecords ?? p.TotalRecords, Math.Max(c.Calls, p.Calls), Math.Max(c.Throttled, p.Throttled), p.TotalPages, c.Deleted);
        }
    }
}
