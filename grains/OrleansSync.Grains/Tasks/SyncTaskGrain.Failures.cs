using Orleans.Storage;
using OrleansSync.Pipeline;

namespace OrleansSync.Tasks;

/// <summary>How a run ends: a failure carried out as <see cref="AfterFailure"/> decides it, the end recorded, or a stale activation stopped.</summary>
public sealed partial class SyncTaskGrain
{
    /// <summary>Carries out what <see cref="AfterFailure.Decide"/> makes of a failed run: fail now, wait for a retry or a probe, or wait for PostgreSQL.</summary>
    private async Task AttemptFailedAsync(Exception error)
    {
        var spec = state.State.Spec!;
        var kind = TaskFailures.Classify(error);
        LogWarningAttemptFailed(logger, error, spec.TaskId, state.State.Attempts, kind);
        var now = time.GetUtcNow();
        var next = AfterFailure.Decide(kind, state.State.Breaker, _databaseFailures + 1, now, Options, Random.Shared.NextDouble());
        if (next.Step == AfterFailureStep.WaitForDatabase)
        {
            WaitForDatabase(next.Delay);
            return;
        }

        try
        {
            AddError(state.State.Attempts, $"{error.GetType().Name}: {error.Message}");
            if (next.Step != AfterFailureStep.Fail)
            {
                metrics.AttemptFailed(spec.Stream, kind.ToString().ToLowerInvariant());
            }

            state.State.Breaker = next.Breaker;
            BreakerMoved(next.Transition);
            if (next.Ends)
            {
                await FinishAsync(SyncTaskStatus.Failed, next.Reason);
                return;
            }

            state.State.Attempts++;
            state.State.Status = SyncTaskStatus.Waiting;
            state.State.NextAttemptAt = now + next.Delay;
            await PersistAndReportAsync(CancellationToken.None);
            ScheduleRun(next.Delay);
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
            WaitForDatabase(AfterFailure.DatabaseWait(_databaseFailures + 1, Options, Random.Shared.NextDouble()));
        }
    }

    /// <summary>PostgreSQL is away (or what records the run is): retry the run after <paramref name="delay"/>, from memory, spending no upstream attempt.</summary>
    private void WaitForDatabase(TimeSpan delay)
    {
        _databaseFailures++;
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
        metrics.TaskFinished(spec.Stream, status.ToText());
        metrics.BreakerForgotten(spec.TaskId);
        await PublishTerminalAsync();
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
}
