using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSync.Pipeline;
using OrleansSync.Placement;
using OrleansSync.Resilience;
using OrleansSync.Mirror;
using OrleansSync.Sources;
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
    SourceKinds kinds,
    Checkpoints checkpoints,
    TaskSlots slots,
    SyncMetrics metrics,
    ILocalSiloDetails silo,
    TimeProvider time,
    IOptions<SyncTaskOptions> options,
    ILogger<SyncTaskGrain> logger) : Grain, ISyncTaskGrain, IRemindable
{
    private const string WatchdogReminder = "watchdog";

    // Every field of the grain, here only. The run (RunAsync, in the background of the activation) and calls
    // interleave at awaits: state writes go one at a time (ETag conflicts otherwise).
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ProgressRate _rate = new();

    // The run's waits for its turn at the rate budget or for its leader: slowed, not hung, and shown.
    private readonly RunWaits _waits = new();

    // The run in progress (its token, its task) and the timers arming the next run and the heartbeat.
    private CancellationTokenSource? _running;
    private Task? _loop;
    private IGrainTimer? _nextRun;
    private IGrainTimer? _heartbeat;

    // The status last written to grain storage: what another silo would load were this one to die now.
    private SyncTaskStatus? _savedStatus;

    // Set by the loop itself from its first line: RunAsync runs synchronously before StartLoop has its Task.
    private bool _inLoop;

    // The flags that steer the run: a pause asked for (stop at the next page boundary), a hang found by the
    // heartbeat (restart from the checkpoint), an activation found stale (write nothing more and go). A cancel is
    // state (SyncTaskState.CancelRequested).
    private bool _pausing;
    private bool _hung;
    private bool _stale;

    // When the run last landed a page (or got a slot, or waited at the budget or for its leader): the heartbeat's measure of a hang.
    private DateTimeOffset _lastProgressAt;

    // A streaming source's position the mirror holds everything up to (the last page's), and the one a caller waits
    // for (sync --wait): in memory only, since the checkpoint holds the first and the caller asks again for the second.
    private ulong? _appliedPosition;
    private ulong _wantedPosition;
    private TaskCompletionSource _positionWanted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // PostgreSQL failures in a row: the wait for it grows with them.
    private int _databaseFailures;

    private SyncTaskOptions Options => options.Value;

    private bool LoopRunning => _inLoop;

    /// <summary>A paused task does not run until resumed: not on activation, not from the watchdog.</summary>
    private bool MayRun => !state.State.Status.IsTerminal() && state.State.Status != SyncTaskStatus.Paused;

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
        metrics.LagForgotten(this.GetPrimaryKeyString());
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

    public async Task<TaskView?> GetAsync(CancellationToken cancellationToken = default)
    {
        await RefreshLagAsync();
        return state.State.Spec is null ? null : View();
    }

    public Task WantPositionAsync(ulong position, CancellationToken cancellationToken = default)
    {
        if (position > _wantedPosition)
        {
            _wantedPosition = position;
            // Wakes a quiet stream now rather than at its next idle report.
            var raised = _positionWanted;
            _positionWanted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            raised.TrySetResult();
        }

        return Task.CompletedTask;
    }

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
        state.State.Status == SyncTaskStatus.Running ? _waits.Budget : 0,
        _appliedPosition,
        state.State.Status.IsTerminal() ? null : _lag,
        state.State.Status == SyncTaskStatus.Running && _waits.Leader);
}
