using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSync.Events;
using OrleansSync.Security;
using OrleansSync.Tasks;
using OrleansSync.Telemetry;

namespace OrleansSync.Progress;

public sealed partial class ProgressWriterGrain : Grain, IProgressWriterGrain
{
    private readonly PendingProgress _pending;
    // The longest a task's end waits for its event to be numbered before the task may tell its project.
    private static readonly TimeSpan EndEventWait = TimeSpan.FromSeconds(1);

    private readonly ProgressEvents _events;
    private readonly EventPublisher _publisher;
    private readonly SyncMetrics _metrics;
    private readonly ILocalSiloDetails _silo;
    private readonly TimeProvider _time;
    private readonly ProgressWriterOptions _options;
    private readonly ILogger<ProgressWriterGrain> _logger;
    private long _updates;
    private long _rows;
    private long _statements;
    private IGrainTimer? _timer;
    private int _tickFailures;
    private DateTimeOffset _nextTickAt;

    public ProgressWriterGrain(
        ProgressTable table,
        SyncMetrics metrics,
        ILocalSiloDetails silo,
        TimeProvider time,
        IOptions<ProgressWriterOptions> options,
        EventPublisher publisher,
        IOptions<EventOptions> eventOptions,
        ILogger<ProgressWriterGrain> logger)
    {
        (_metrics, _silo, _time, _options, _logger) = (metrics, silo, time, options.Value, logger);
        _pending = new PendingProgress(table, time, _options, Written, logger);
        _publisher = publisher;
        _events = new ProgressEvents(publisher, time, eventOptions.Value);
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Not KeepAlive: an idle writer may go; it flushes on the way out.
        _timer = this.RegisterGrainTimer(
            static (grain, ct) => grain.TickAsync(ct),
            this,
            new GrainTimerCreationOptions { DueTime = _options.Tick, Period = _options.Tick, Interleave = false, KeepAlive = false });
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
        _metrics.ProgressReceived();
        _pending.Add(view);
        _events.Observe(view);
        if (view.IsTerminal)
        {
            // Never lost: written before the task hears back. Whatever else is due rides in the same statement.
            var id = view.Spec.TaskId;
            await _pending.WriteDueAsync(all: false, cancellationToken, mustWrite: id);
            if (_pending.IsPending(id))
            {
                // Refused even without its errors: the task keeps its end and reports it again, as when PostgreSQL is away.
                throw new InvalidOperationException(
                    $"PostgreSQL refused the terminal progress row of task {id} (see this silo's log); the progress writer keeps it and tries again.");
            }

            // The task tells its project once this returns, and the project may then end the run on another silo:
            // the task's end is numbered first, so the feed never shows a run ending before its last task.
            await _publisher.SentAsync(EndEventWait);
        }
    }

    public Task FlushAsync(CancellationToken cancellationToken = default) => _pending.WriteDueAsync(all: true, cancellationToken);

    /// <summary>
    /// The timer's turn: writes what is due. While PostgreSQL is away it backs off (up to 10 s) instead of failing, and
    /// logging, four times a second; what is pending stays pending, newest report per task.
    /// </summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        _events.Tick();
        var now = _time.GetUtcNow();
        if (now < _nextTickAt)
        {
            return;
        }

        try
        {
            await _pending.WriteDueAsync(all: false, cancellationToken);
            _tickFailures = 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _tickFailures++;
            var delay = TimeSpan.FromMilliseconds(Math.Min(10_000, 250 * Math.Pow(2, Math.Min(_tickFailures, 6))));
            _nextTickAt = now + delay;
            LogWarningWriteFailed(_logger, e, _pending.Count, (long)delay.TotalMilliseconds);
        }
    }

    public Task<ProgressWriterStats> GetStatsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new ProgressWriterStats(_updates, _rows, _statements, _pending.Count, _silo.Name));

    private void Written(int rows)
    {
        _rows += rows;
        _statements++;
        _metrics.ProgressWritten(rows);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the progress of {Tasks} task(s); trying again in {DelayMs} ms")]
    private static partial void LogWarningWriteFailed(ILogger logger, Exception error, int tasks, long delayMs);
}
