using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansSync.Tasks;
using OrleansSync.Telemetry;
using OrleansSync.Security;

namespace OrleansSync.Progress;

public sealed partial class ProgressWriterGrain(
    ProgressTable table, SyncMetrics metrics, ILocalSiloDetails silo, TimeProvider time, IOptions<ProgressWriterOptions> options, ILogger<ProgressWriterGrain> logger)
    : Grain, IProgressWriterGrain
{
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private long _updates;
    private long _rows;
    private long _statements;
    private IGrainTimer? _timer;
    private int _tickFailures;
    private DateTimeOffset _nextTickAt;

    private ProgressWriterOptions Options => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Not KeepAlive: an idle writer may go; it flushes on the way out.
        _timer = this.RegisterGrainTimer(
            static (grain, ct) => grain.TickAsync(ct),
            this,
            new GrainTimerCreationOptions { DueTime = Options.Tick, Period = Options.Tick, Interleave = false, KeepAlive = false });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        await FlushAsync(cancellationToken);
    }

    public async Task ReportAsync(TaskView view, CancellationToken cancellationToken = default)
    {
        GrainInput.Text(GrainInput.Required(GrainInput.Required(view, "The task view").Spec, "The task's spec").TaskId, "The task id");
        _updates++;
        metrics.ProgressReceived();
        var id = view.Spec.TaskId;
        if (_pending.TryGetValue(id, out var pending))
        {
            pending.Updates++;
            if (pending.View.Sequence < view.Sequence)
            {
                pending.View = view;
            }
        }
        else
        {
            _pending[id] = new Pending(view, time.GetUtcNow());
        }

        if (view.IsTerminal)
        {
            // Never lost: written before the task hears back. Whatever else is due rides in the same statement.
            await WriteDueAsync(all: false, cancellationToken, mustWrite: id);
        }
    }

    public Task FlushAsync(CancellationToken cancellationToken = default) => WriteDueAsync(all: true, cancellationToken);

    /// <summary>
    /// The timer's turn: writes what is due. While PostgreSQL is away it backs off (up to 10 s) instead of failing, and
    /// logging, four times a second; what is pending stays pending, newest report per task.
    /// </summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now < _nextTickAt)
        {
            return;
        }

        try
        {
            await WriteDueAsync(all: false, cancellationToken);
            _tickFailures = 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _tickFailures++;
            var delay = TimeSpan.FromMilliseconds(Math.Min(10_000, 250 * Math.Pow(2, Math.Min(_tickFailures, 6))));
            _nextTickAt = now + delay;
            LogWarningWriteFailed(logger, e, _pending.Count, (long)delay.TotalMilliseconds);
        }
    }

    public Task<ProgressWriterStats> GetStatsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new ProgressWriterStats(_updates, _rows, _statements, _pending.Count, silo.Name));

    /// <summary>Writes, in one statement, every row that has N reports or has waited T (or all of them).</summary>
    private async Task WriteDueAsync(bool all, CancellationToken cancellationToken, string? mustWrite = null)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        var due = _pending.Values
            .Where(p => all || p.View.Spec.TaskId == mustWrite || p.Updates >= Options.EveryUpdates || now - p.Since >= Options.FlushInterval)
            .Select(static p => p.View)
            .ToList();
        if (due.Count == 0)
        {
            return;
        }

        await WriteAsync(due, cancellationToken);
        foreach (var view in due)
        {
            // A newer report may have arrived while writing (a terminal report's write interleaves with nothing, but be exact).
            if (_pending.TryGetValue(view.Spec.TaskId, out var current) && current.View.Sequence == view.Sequence)
            {
                _pending.Remove(view.Spec.TaskId);
            }
        }
    }

    private async Task WriteAsync(List<TaskView> batch, CancellationToken cancellationToken)
    {
        try
        {
            await UpsertAsync(batch, cancellationToken);
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
                    await UpsertAsync([view], cancellationToken);
                }
                catch (PostgresException refused) when (!refused.IsTransient)
                {
                    LogErrorRowDropped(logger, refused, view.Spec.TaskId, view.Sequence);
                }
            }
        }
    }

    private async Task UpsertAsync(IReadOnlyCollection<TaskView> views, CancellationToken cancellationToken)
    {
        await table.UpsertAsync(views, cancellationToken);
        _rows += views.Count;
        _statements++;
        metrics.ProgressWritten(views.Count);
    }

    /// <summary>A task's newest unwritten report, how many reports it stands for, and since when the row is behind.</summary>
    private sealed class Pending(TaskView view, DateTimeOffset since)
    {
        public TaskView View { get; set; } = view;

        public int Updates { get; set; } = 1;

        public DateTimeOffset Since { get; } = since;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the progress of {Tasks} task(s); trying again in {DelayMs} ms")]
    private static partial void LogWarningWriteFailed(ILogger logger, Exception error, int tasks, long delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL refused a progress batch of {Rows} row(s); writing them one by one")]
    private static partial void LogWarningBatchRefused(ILogger logger, Exception error, int rows);

    [LoggerMessage(Level = LogLevel.Error, Message = "PostgreSQL refused the progress row of task {TaskId} (sequence {Sequence}); it is dropped, the task's next report replaces it")]
    private static partial void LogErrorRowDropped(ILogger logger, Exception error, string taskId, long sequence);
}
