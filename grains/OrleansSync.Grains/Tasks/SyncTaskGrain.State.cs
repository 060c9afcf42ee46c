using Orleans.Storage;
using OrleansSync.Pipeline;
using OrleansSync.Progress;
using OrleansSync.Resilience;

namespace OrleansSync.Tasks;

/// <summary>The task's grain state and progress reports: status changes are written, then reported; progress within a status is only reported.</summary>
public sealed partial class SyncTaskGrain
{
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

    /// <summary>
    /// Progress within a status: reported only; the progress writer coalesces it. A report that fails (its writer's
    /// silo just died and the cluster has not noticed) does not fail the attempt: the page is landed and checkpointed,
    /// the row only shows it, and the next report or status change carries a newer sequence. Failing here would cost
    /// a re-fetch of the pages in flight.
    /// </summary>
    private async Task ReportAsync(CancellationToken cancellationToken)
    {
        Touch();
        try
        {
            await SendToProgressWriterAsync(View(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogWarningProgressNotReported(logger, e, state.State.Spec!.TaskId);
        }
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
