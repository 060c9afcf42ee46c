using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansSync.Tasks;

namespace OrleansSync.Progress;

public sealed partial class ProgressWriterGrain(ProgressTable table, IOptions<ProgressWriterOptions> options, ILogger<ProgressWriterGrain> logger) : Grain, IProgressWriterGrain
{
    private readonly Dictionary<string, TaskView> _pending = new(StringComparer.Ordinal);
    private int _reportsSinceFlush;
    private IGrainTimer? _timer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Not KeepAlive: an idle writer may go; it flushes on the way out.
        _timer = this.RegisterGrainTimer(
            static (grain, ct) => grain.FlushAsync(ct),
            this,
            new GrainTimerCreationOptions { DueTime = options.Value.FlushInterval, Period = options.Value.FlushInterval, Interleave = false, KeepAlive = false });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        await FlushAsync(cancellationToken);
    }

    public async Task ReportAsync(TaskView view, CancellationToken cancellationToken = default)
    {
        if (!_pending.TryGetValue(view.Spec.TaskId, out var known) || known.Sequence < view.Sequence)
        {
            _pending[view.Spec.TaskId] = view;
        }

        _reportsSinceFlush++;
        if (view.IsTerminal || _reportsSinceFlush >= options.Value.FlushEvery)
        {
            await FlushAsync(cancellationToken);
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var batch = _pending.Values.ToList();
        try
        {
            await table.UpsertAsync(batch, cancellationToken);
        }
        catch (PostgresException e) when (!e.IsTransient)
        {
            // One row PostgreSQL refuses must not keep every other task's progress out: write them one by one and
            // drop (loudly) the ones it still refuses. A PostgreSQL outage is transient and keeps the whole batch.
            LogWarningBatchRefused(logger, e, batch.Count);
            foreach (var view in batch)
            {
                try
                {
                    await table.UpsertAsync([view], cancellationToken);
                }
                catch (PostgresException refused) when (!refused.IsTransient)
                {
                    LogErrorRowDropped(logger, refused, view.Spec.TaskId, view.Sequence);
                }
            }
        }

        foreach (var view in batch)
        {
            // A newer report may have arrived while writing (timer turns interleave with nothing, but be exact).
            if (_pending.TryGetValue(view.Spec.TaskId, out var current) && current.Sequence == view.Sequence)
            {
                _pending.Remove(view.Spec.TaskId);
            }
        }

        _reportsSinceFlush = 0;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL refused a progress batch of {Rows} row(s); writing them one by one")]
    private static partial void LogWarningBatchRefused(ILogger logger, Exception error, int rows);

    [LoggerMessage(Level = LogLevel.Error, Message = "PostgreSQL refused the progress row of task {TaskId} (sequence {Sequence}); it is dropped, the task's next report replaces it")]
    private static partial void LogErrorRowDropped(ILogger logger, Exception error, string taskId, long sequence);
}
