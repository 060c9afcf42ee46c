using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSync.Backfills;
using OrleansSync.Placement;
using OrleansSync.Projects;
using OrleansSync.Resilience;
using OrleansSync.Secrets;
using OrleansSync.Streams;
using OrleansSync.Telemetry;
using OrleansSync.Security;

namespace OrleansSync.Tasks;

/// <summary>
/// Runs one stream of one project in the background of its activation (<see cref="RunAsync"/>). Each landed page goes
/// to the progress writer; the task's counters commit with the page's checkpoint, and its grain state is written only
/// when its status changes. Failed runs are retried from the checkpoint; consecutive failures open the task's circuit
/// breaker, and while it is open the task waits and calls nothing. A reminder (the watchdog) re-activates the task
/// on another silo if its silo dies; a heartbeat restarts it when it hangs and publishes how it ended until the
/// project has heard.
/// </summary>
[RunningTasksPlacement]
public sealed partial class SyncTaskGrain(
    [PersistentState("task", GrainStorage.Name)] IPersistentState<SyncTaskState> state,
    IEnumerable<IStreamRunner> runners,
    Mirror.MirrorWriter mirror,
    TaskSlots slots,
    DeclaredSecrets secrets,
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
    private IGrainTimer? _nextRun;
    private IGrainTimer? _heartbeat;

    // The status last written to grain storage: what another silo would load were this one to die now.
    private SyncTaskStatus? _savedStatus;

    private SyncTaskOptions Options => options.Value;

    private readonly ProgressRate _rate = new();
    private bool _inLoop;

    // Set by the loop itself from its first line: RunAsync runs synchronously before StartLoop has its Task.
    private bool LoopRunning => _inLoop;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _savedStatus = state.State.Spec is null ? null : state.State.Status;
        if (state.State is { Spec: not null } s && MayRun)
        {
            // Reports between status changes are not persisted: a new activation's reports rank above all of them.
            s.Sequence = ((s.Sequence >> 32) + 1) << 32;
            LogInformationResuming(logger, s.Spec.TaskId, silo.Name);
            metrics.TaskResumed(s.Spec.Stream);
            metrics.BreakerObserved(s.Spec.TaskId, s.Breaker.Phase);
            ResumeRun();
        }
        else if (state.State is { Spec: not null, ProjectNotified: false })
        {
            StartHeartbeat();
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Leave the task as it is: the watchdog re-activates it and the stream resumes from its checkpoint.
        metrics.BreakerForgotten(this.GetPrimaryKeyString());
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
        GrainInput.Required(spec, "The task's spec");
        if (state.State.Spec is null)
        {
            var now = time.GetUtcNow();
            state.State.Spec = spec;
            state.State.Status = SyncTaskStatus.Running;
            state.State.StartedAt = now;
            state.State.Attempts = 1;
            state.State.Silo = silo.Name;
            Touch();
            try
            {
                await this.RegisterOrUpdateReminder(WatchdogReminder, Options.WatchdogPeriod, Options.WatchdogPeriod, cancellationToken);
                await PersistAsync(cancellationToken);
            }
            catch
            {
                // Not started: the project's retry of this call must find the task as new, not half made.
                state.State = new SyncTaskState();
                throw;
            }
        }

        // Idempotent, and it completes a start whose first call failed after persisting: the run must be going.
        if (MayRun && !LoopRunning && _nextRun is null)
        {
            ResumeRun();
        }

        return View();
    }

    public Task<TaskView?> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(state.State.Spec is null ? null : View());

    public async Task<TaskView?> CancelAsync(CancellationToken cancellationToken = default)
    {
        if (state.State.Spec is null)
        {
            return null;
        }

        if (state.State.Status.IsTerminal())
        {
            // Ended already (a cancel asked again after its write failed included): reported as stored.
            await SaveBeforeReportingAsync("cancel", cancellationToken);
            return View();
        }

        // Set before anything awaits: a failed attempt being recorded right now sees it and arms no retry.
        state.State.CancelRequested = true;
        while (LoopRunning && _loop is { } loop)
        {
            _running?.Cancel();
            await loop;
        }

        if (!state.State.Status.IsTerminal())
        {
            // Waiting for a retry or a probe, or the run stopped short: cancel wins over whatever was due.
            _nextRun?.Dispose();
            _nextRun = null;
            await FinishAsync(SyncTaskStatus.Cancelled, "Cancelled by request.");
        }

        // Cancelled is said only once stored: a silo dying now must not bring the task back.
        await SaveBeforeReportingAsync("cancel", cancellationToken);
        return View();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Spec is null || (state.State.Status.IsTerminal() && state.State.ProjectNotified))
        {
            await UnregisterWatchdogAsync();
            return;
        }

        await CatchUpAsync();
    }

    /// <summary>
    /// What the task still owes, done now (the watchdog and the heartbeat call this): publishing how it ended, or its
    /// next run when nothing runs or is armed (e.g. PostgreSQL was away while it recorded a status).
    /// </summary>
    private async Task CatchUpAsync()
    {
        if (state.State.Status.IsTerminal())
        {
            if (!state.State.ProjectNotified)
            {
                await PublishTerminalAsync();
            }
        }
        else if (MayRun && !LoopRunning && _nextRun is null && !_stale)
        {
            ResumeRun();
        }
    }

    /// <summary>The run, when it is due: now, or at the retry or probe time the task waits for.</summary>
    private void ResumeRun() => ScheduleRun(state.State.NextAttemptAt is { } due ? due - time.GetUtcNow() : TimeSpan.Zero);

    /// <summary>
    /// Starts the run now, or arms a timer for it (always a timer when called from the run itself, which must end
    /// first). A requested cancel wins: while a canceller waits for the run, nothing is armed.
    /// </summary>
    private void ScheduleRun(TimeSpan delay)
    {
        StartHeartbeat();
        _nextRun?.Dispose();
        _nextRun = null;
        if (state.State.CancelRequested)
        {
            if (!LoopRunning)
            {
                StartLoop();
            }

            return;
        }

        if (delay <= TimeSpan.Zero && !LoopRunning)
        {
            StartLoop();
            return;
        }

        _nextRun = this.RegisterGrainTimer(
            static (grain, _) =>
            {
                grain._nextRun?.Dispose();
                grain._nextRun = null;
                grain.ScheduleRun(grain.LoopRunning ? TimeSpan.FromMilliseconds(50) : TimeSpan.Zero);
                return Task.CompletedTask;
            },
            this,
            new GrainTimerCreationOptions { DueTime = delay > TimeSpan.Zero ? delay : TimeSpan.FromMilliseconds(1), Period = Timeout.InfiniteTimeSpan, Interleave = true, KeepAlive = true });
    }

    private void StartLoop()
    {
        _running = new CancellationTokenSource();
        _loop = RunAsync(_running.Token);
    }

    private void StartHeartbeat() =>
        _heartbeat ??= this.RegisterGrainTimer(
            static (grain, _) => grain.HeartbeatAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = Options.HeartbeatPeriod, Period = Options.HeartbeatPeriod, Interleave = true, KeepAlive = true });

    private void StopHeartbeat()
    {
        _heartbeat?.Dispose();
        _heartbeat = null;
    }

    /// <summary>
    /// Writes the terminal progress row and tells the project, handing it the final view. Until both have happened
    /// the heartbeat and the watchdog keep calling this, so terminal progress is never lost and the run always
    /// learns how its task ended.
    /// </summary>
    private async Task PublishTerminalAsync()
    {
        var spec = state.State.Spec!;
        try
        {
            if (_savedStatus != state.State.Status)
            {
                // An end nobody could find after this silo dies is not told: a failed write is tried again first.
                await PersistAsync(CancellationToken.None);
            }

            var view = View();
            await SendToProgressWriterAsync(view, CancellationToken.None);
            // A backfill day reports to its backfill, a run's task to its project.
            await (spec.BackfillId is { } backfill
                ? GrainFactory.GetGrain<IBackfillGrain>(backfill).TaskFinishedAsync(view)
                : GrainFactory.GetGrain<IProjectGrain>(spec.ProjectId).TaskFinishedAsync(view));
            state.State.ProjectNotified = true;
            await PersistAsync(CancellationToken.None);
            StopHeartbeat();
            await UnregisterWatchdogAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
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
        state.State.Sequence,
        CircuitBreaker.View(state.State.Breaker, Options.Breaker),
        state.State.NextAttemptAt,
        state.State.HungRestarts,
        state.State.Status == SyncTaskStatus.Running ? _rate.RecordsPerSecond : null,
        state.State.Status == SyncTaskStatus.Running ? _rate.Eta(time.GetUtcNow(), state.State.Progress) : null,
        state.State.Status == SyncTaskStatus.Running ? _budgetWaits.Waiting : 0);
}
