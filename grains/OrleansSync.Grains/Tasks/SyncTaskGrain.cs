using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSync.Acc;
using OrleansSync.Progress;
using OrleansSync.Projects;
using OrleansSync.Secrets;
using OrleansSync.Streams;
using OrleansSync.Telemetry;

namespace OrleansSync.Tasks;

/// <summary>
/// Runs one stream of one project in the background of its activation, persisting progress after every landed page.
/// A reminder (the watchdog) re-activates it on another silo if its silo dies; activation resumes a running task
/// from the stream's checkpoint. Failed runs are retried with backoff and jitter up to a bound, then the task fails.
/// </summary>
public sealed partial class SyncTaskGrain(
    [PersistentState("task", GrainStorage.Name)] IPersistentState<SyncTaskState> state,
    IEnumerable<IStreamRunner> runners,
    SyncMetrics metrics,
    ILocalSiloDetails silo,
    TimeProvider time,
    IOptions<SyncTaskOptions> options,
    ILogger<SyncTaskGrain> logger) : Grain, ISyncTaskGrain, IRemindable
{
    private const string WatchdogReminder = "watchdog";

    // The background run and calls interleave at awaits; state writes must not overlap (ETag conflicts).
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private CancellationTokenSource? _running;
    private Task? _loop;
    private bool _cancelRequested;
    private bool _retryPending;
    private IGrainTimer? _retryTimer;
    private IGrainTimer? _keepAlive;

    private SyncTaskOptions Options => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State is { Status: SyncTaskStatus.Running, Spec: not null })
        {
            LogInformationResuming(logger, state.State.Spec.TaskId, silo.Name);
            ScheduleRun(state.State.RetryAt is { } due ? due - time.GetUtcNow() : TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Leave the task Running: the watchdog re-activates it and the stream resumes from its checkpoint.
        _running?.Cancel();
        if (_loop is { } loop)
        {
            try
            {
                await loop.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Deactivation's own deadline passed; the checkpoint holds what landed.
            }
        }
    }

    public async Task<TaskView> StartAsync(SyncTaskSpec spec, CancellationToken cancellationToken = default)
    {
        if (state.State.Spec is not null)
        {
            return View();
        }

        var now = time.GetUtcNow();
        state.State.Spec = spec;
        state.State.Status = SyncTaskStatus.Running;
        state.State.StartedAt = now;
        state.State.UpdatedAt = now;
        state.State.Attempts = 1;
        state.State.Silo = silo.Name;
        await this.RegisterOrUpdateReminder(WatchdogReminder, Options.WatchdogPeriod, Options.WatchdogPeriod, cancellationToken);
        await PersistAndReportAsync(cancellationToken);
        ScheduleRun(TimeSpan.Zero);
        return View();
    }

    public Task<TaskView?> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(state.State.Spec is null ? null : View());

    public async Task<TaskView?> CancelAsync(CancellationToken cancellationToken = default)
    {
        if (state.State.Spec is null || state.State.Status != SyncTaskStatus.Running)
        {
            return state.State.Spec is null ? null : View();
        }

        _cancelRequested = true;
        if (_loop is { IsCompleted: false } loop)
        {
            _running?.Cancel();
            await loop;
        }
        else
        {
            _retryTimer?.Dispose();
            _retryPending = false;
            await FinishAsync(SyncTaskStatus.Cancelled, "Cancelled while waiting to retry.");
        }

        return View();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Spec is null || (state.State.Status != SyncTaskStatus.Running && state.State.ProjectNotified))
        {
            await UnregisterWatchdogAsync();
            return;
        }

        if (state.State.Status != SyncTaskStatus.Running)
        {
            await PublishTerminalAsync();
        }
        else if (!_retryPending && _loop is null or { IsCompleted: true })
        {
            // The run stopped without reaching a status (its final writes failed, e.g. PostgreSQL was away): go again.
            StartLoop();
        }
    }

    private void ScheduleRun(TimeSpan delay)
    {
        _keepAlive ??= this.RegisterGrainTimer(
            static (_, _) => Task.CompletedTask,
            this,
            new GrainTimerCreationOptions { DueTime = TimeSpan.FromMinutes(1), Period = TimeSpan.FromMinutes(1), Interleave = true, KeepAlive = true });
        if (delay <= TimeSpan.Zero)
        {
            StartLoop();
            return;
        }

        _retryTimer?.Dispose();
        _retryPending = true;
        _retryTimer = this.RegisterGrainTimer(
            static (grain, _) =>
            {
                grain._retryTimer?.Dispose();
                grain._retryPending = false;
                grain.StartLoop();
                return Task.CompletedTask;
            },
            this,
            new GrainTimerCreationOptions { DueTime = delay, Period = Timeout.InfiniteTimeSpan, Interleave = true, KeepAlive = true });
    }

    private void StartLoop()
    {
        _running = new CancellationTokenSource();
        _loop = RunAsync(_running.Token);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var spec = state.State.Spec!;
        try
        {
            var runner = runners.SingleOrDefault(r => r.Stream == spec.Stream)
                ?? throw new InvalidRequestException($"No runner for stream '{spec.Stream}'.");
            var connection = new AccConnection(new Uri(spec.BaseUrl), spec.ClientId, SecretVariables.Resolve(spec.ClientSecretVariable, silo.Name), spec.UserId);
            if (state.State.RetryAt is not null || state.State.Silo != silo.Name)
            {
                state.State.RetryAt = null;
                state.State.Silo = silo.Name;
                await PersistAndReportAsync(cancellationToken);
            }

            await runner.RunAsync(new StreamRun(spec, connection, OnPageLandedAsync), cancellationToken);
            await FinishAsync(SyncTaskStatus.Succeeded, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (_cancelRequested)
            {
                await FinishAsync(SyncTaskStatus.Cancelled, "Cancelled by request.");
            }
        }
        catch (InvalidRequestException e)
        {
            await FinishAsync(SyncTaskStatus.Failed, e.Message);
        }
        catch (Exception e)
        {
            await AttemptFailedAsync(e);
        }
    }

    private async Task OnPageLandedAsync(PageLanded page)
    {
        metrics.PageLanded(state.State.Spec!.Stream, page);
        state.State.ConsecutiveFailures = 0;
        var p = state.State.Progress;
        state.State.Progress = new TaskProgress(
            p.Pages + 1,
            p.RecordsRead + page.RecordsRead,
            p.Inserted + page.Result.Inserted,
            p.Updated + page.Result.Updated,
            p.Unchanged + page.Result.Unchanged,
            p.DeadLettered + page.Result.DeadLettered,
            page.TotalRecords ?? p.TotalRecords,
            p.Calls + page.Calls);
        await PersistAndReportAsync(CancellationToken.None);
    }

    private async Task AttemptFailedAsync(Exception error)
    {
        var attempt = state.State.Attempts;
        var failures = ++state.State.ConsecutiveFailures;
        metrics.AttemptFailed(state.State.Spec!.Stream);
        LogWarningAttemptFailed(logger, error, state.State.Spec!.TaskId, attempt);
        AddError(attempt, $"{error.GetType().Name}: {error.Message}");
        if (failures >= Options.MaxAttempts)
        {
            await FinishAsync(SyncTaskStatus.Failed, null);
            return;
        }

        var delay = Options.RetryDelay(failures);
        state.State.Attempts = attempt + 1;
        state.State.RetryAt = time.GetUtcNow() + delay;
        await PersistAndReportAsync(CancellationToken.None);
        ScheduleRun(delay);
    }

    private async Task FinishAsync(SyncTaskStatus status, string? error)
    {
        if (error is not null)
        {
            AddError(state.State.Attempts, error);
        }

        state.State.Status = status;
        state.State.FinishedAt = time.GetUtcNow();
        state.State.RetryAt = null;
        _keepAlive?.Dispose();
        _keepAlive = null;
        Touch();
        await PersistAsync(CancellationToken.None);
        LogInformationFinished(logger, state.State.Spec!.TaskId, status, state.State.Progress.RecordsRead);
        metrics.TaskFinished(state.State.Spec.Stream, status);
        await PublishTerminalAsync();
    }

    /// <summary>
    /// Writes the terminal progress row and tells the project. Until both have happened the watchdog keeps calling
    /// this, so terminal progress is never lost and the run always learns how its task ended.
    /// </summary>
    private async Task PublishTerminalAsync()
    {
        var spec = state.State.Spec!;
        try
        {
            await GrainFactory.GetGrain<IProgressWriterGrain>(ProgressBuckets.For(spec.TaskId)).ReportAsync(View());
            await GrainFactory.GetGrain<IProjectGrain>(spec.ProjectId).TaskFinishedAsync(spec.TaskId, state.State.Status);
            state.State.ProjectNotified = true;
            await PersistAsync(CancellationToken.None);
            await UnregisterWatchdogAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The watchdog reminder tries again on its next tick.
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

    private void AddError(int attempt, string message)
    {
        state.State.Errors.Add(new TaskError(time.GetUtcNow(), attempt, message));
        if (state.State.Errors.Count > Options.KeptErrors)
        {
            state.State.Errors.RemoveRange(0, state.State.Errors.Count - Options.KeptErrors);
        }
    }

    private async Task PersistAndReportAsync(CancellationToken cancellationToken)
    {
        Touch();
        await PersistAsync(cancellationToken);
        var view = View();
        await GrainFactory.GetGrain<IProgressWriterGrain>(ProgressBuckets.For(view.Spec.TaskId)).ReportAsync(view, cancellationToken);
    }

    /// <summary>Every change of what the task reports gets a new sequence, so its progress row never goes back.</summary>
    private void Touch()
    {
        state.State.Sequence++;
        state.State.UpdatedAt = time.GetUtcNow();
    }

    private async Task PersistAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private TaskView View() => new(
        state.State.Spec!,
        state.State.Status,
        state.State.Progress,
        state.State.StartedAt,
        state.State.UpdatedAt,
        state.State.FinishedAt,
        state.State.Attempts,
        [.. state.State.Errors],
        state.State.Silo,
        state.State.Sequence);
}
