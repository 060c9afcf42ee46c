using Microsoft.Extensions.Options;
using OrleansSync.Tasks;

namespace OrleansSync.Progress;

public sealed class ProgressWriterGrain(ProgressTable table, IOptions<ProgressWriterOptions> options) : Grain, IProgressWriterGrain
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
        await table.UpsertAsync(batch, cancellationToken);
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
}
