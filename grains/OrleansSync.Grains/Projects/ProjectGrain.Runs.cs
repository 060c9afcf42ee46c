using Microsoft.Extensions.Logging;
using OrleansSync.Pipeline;
using OrleansSync.Resilience;
using OrleansSync.Security;
using OrleansSync.Tasks;

namespace OrleansSync.Projects;

/// <summary>
/// A project's runs. Every step of a run's bookkeeping (its history row, starting its tasks, finishing it) is
/// idempotent, recorded once done, and retried with backoff until done — across failed calls (a timer) and silo
/// deaths (the run's reminder) — so a run never stays "in progress" for want of one write.
/// </summary>
public sealed partial class ProjectGrain
{
    private static readonly HashSet<string> ChildStreams = [StreamNames.ReviewVersions, StreamNames.ReviewProgress];

    private RetriedBookkeeping? _bookkeeping;
    private StateWrites? _writes;

    /// <summary>Every write of the project's state, one at a time (the bookkeeping's timer interleaves with requests).</summary>
    private StateWrites Writes => _writes ??= new(ct => state.WriteStateAsync(ct), DeactivateOnIdle);

    private RetriedBookkeeping Bookkeeping => _bookkeeping ??= new(
        this,
        () => Writes.WriteAsync(),
        AdvanceOnceAsync,
        failures => taskOptions.Value.RetryDelay(failures, options.Value.BookkeepingMaxDelay),
        (e, delay) => LogWarningBookkeepingFailed(logger, e, ProjectId, state.State.CurrentRun?.RunId, (long)delay.TotalMilliseconds),
        EndRunRefusedAsync);

    public Task<SyncStarted> SyncAsync(SyncRequest request, CancellationToken cancellationToken = default)
    {
        GrainInput.Required(request, "The sync request");
        GrainInput.Text(request.Trigger, "The sync request's trigger");
        return StartRunAsync(request, runId: null, reason: null, dueAt: null, cancellationToken);
    }

    /// <param name="request">What to run.</param>
    /// <param name="runId">The new run's id, when the caller recorded it already (a catch-up); else a fresh one.</param>
    /// <param name="reason">Why, beyond the trigger, for <c>sync.runs</c>.</param>
    /// <param name="dueAt">When the schedule tick asking for it was due.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    private async Task<SyncStarted> StartRunAsync(SyncRequest request, string? runId, string? reason, DateTimeOffset? dueAt, CancellationToken cancellationToken)
    {
        var spec = RequireSpec();
        if (state.State.CurrentRun is { } current)
        {
            return new SyncStarted(current.ToView(ProjectId, SyncTaskStatus.Running, null), AlreadyRunning: true);
        }

        if (state.State.Paused)
        {
            throw new InvalidRequestException($"Project {ProjectId} is paused: resume it with 'orleanssync project resume {ProjectId}'.");
        }

        var streams = request.Streams is { Count: > 0 } asked ? asked : spec.Streams;
        ProjectSpecValidator.ValidateStreams(streams, "--stream");
        var notConfigured = streams.Except(spec.Streams).ToList();
        if (notConfigured.Count > 0)
        {
            throw new InvalidRequestException(
                $"Project {ProjectId} does not sync {string.Join(", ", notConfigured)}: its streams are {string.Join(", ", spec.Streams)} (change them with project add --streams).");
        }

        var now = time.GetUtcNow();
        var breaker = state.State.Breaker;
        if (!request.Force && BreakerRefusal(now) is { } refusal)
        {
            throw new SyncRefusedException(refusal + $" Run 'orleanssync sync {ProjectId} --force' to probe now.");
        }

        if (request.Force && breaker.Phase == BreakerPhase.Open)
        {
            // A forced run is the probe, whatever the clock says.
            breaker.NextProbeAt = now;
        }

        CircuitBreaker.TryAttempt(breaker, now, out var probe);
        BreakerMoved(probe);
        runId ??= NewRunId(now);
        var run = new RunState
        {
            RunId = runId,
            Full = request.Full,
            Trigger = request.Trigger,
            StartedAt = now,
            Reason = reason,
            DueAt = dueAt,
            Tasks = [.. StreamNames.ProjectStreams.Where(streams.Contains).Select(s => new RunTaskState { TaskId = $"{ProjectId}:{s}:{runId}", Stream = s })],
        };
        state.State.CurrentRun = run;
        try
        {
            await Writes.WriteAsync(cancellationToken);
        }
        catch
        {
            // Not started: the caller hears why, and the next request starts afresh.
            state.State.CurrentRun = null;
            throw;
        }

        LogInformationRunStarted(logger, ProjectId, runId, run.Tasks.Count);
        await AdvanceRunAsync();
        return new SyncStarted(run.ToView(ProjectId, SyncTaskStatus.Running, null), AlreadyRunning: false);
    }

    public async Task TaskFinishedAsync(TaskView final, CancellationToken cancellationToken = default)
    {
        GrainInput.Required(GrainInput.Required(final, "The task's final view").Spec, "The task's spec");
        if (state.State.CurrentRun is not { } run || run.Tasks.Find(t => t.TaskId == final.Spec.TaskId) is not { } task || task.IsTerminal)
        {
            return;
        }

        // Until this write lands the task hears an error and tells us again; meanwhile memory must not run ahead.
        var before = run.Tasks.Select(static t => (t.Status, t.Final)).ToList();
        task.Status = final.Status;
        task.Final = final;
        if (task.Stream == StreamNames.Reviews && final.Status != SyncTaskStatus.Succeeded)
        {
            // Children follow the reviews the run lands; without all of them there is nothing sound to finish. Those
            // not started end here; those started are cancelled by the next pass (AdvanceOnceAsync).
            foreach (var child in run.Tasks.Where(static t => !t.Started && !t.IsTerminal && ChildStreams.Contains(t.Stream)))
            {
                child.Status = SyncTaskStatus.Cancelled;
            }
        }

        try
        {
            await Writes.WriteAsync(cancellationToken);
        }
        catch
        {
            for (var i = 0; i < before.Count; i++)
            {
                (run.Tasks[i].Status, run.Tasks[i].Final) = before[i];
            }

            throw;
        }

        await AdvanceRunAsync();
    }

    /// <summary>Why a run may not start now because of the breaker, or null when it may.</summary>
    private string? BreakerRefusal(DateTimeOffset now)
    {
        var breaker = state.State.Breaker;
        if (breaker.Phase != BreakerPhase.Open || now >= breaker.NextProbeAt)
        {
            return null;
        }

        var last = state.State.LastRun is { } run ? $" (last run {run.RunId} {run.Status.ToText()})" : string.Empty;
        return $"Project {ProjectId}'s circuit breaker is open after {breaker.ConsecutiveFailures} consecutive failed runs{last}; the next probe is at {breaker.NextProbeAt:u}.";
    }

    /// <summary>Runs the run's bookkeeping steps that are due; on failure, arms a retry with backoff. Never throws.</summary>
    private Task AdvanceRunAsync() => Bookkeeping.AdvanceAsync();

    private async Task AdvanceOnceAsync()
    {
        if (state.State.CurrentRun is not { } run || state.State.Spec is not { } spec)
        {
            return;
        }

        if (!run.HistoryOpened)
        {
            await runs.StartedAsync(ProjectId, run, CancellationToken.None);
            // The run's own watchdog: after a silo death, it re-activates the project to carry on.
            var period = taskOptions.Value.WatchdogPeriod;
            await this.RegisterOrUpdateReminder(RunReminder, period, period);
            run.HistoryOpened = true;
            await Writes.WriteAsync();
        }

        // Children start with the reviews task and follow its pages as they land; once it ended without reading
        // every list, they are cancelled (told again at every pass until they say they stopped: the call is not awaited,
        // since a task that stops reports its end to this grain).
        if (run.Tasks.Find(static t => t.Stream == StreamNames.Reviews) is { IsTerminal: true, Status: not SyncTaskStatus.Succeeded })
        {
            foreach (var child in run.Tasks.Where(static t => t.Started && !t.IsTerminal && ChildStreams.Contains(t.Stream)))
            {
                GrainFactory.GetGrain<ISyncTaskGrain>(child.TaskId).CancelAsync(CancellationToken.None).Ignore();
            }
        }

        foreach (var task in run.Tasks.Where(static t => !t.Started && !t.IsTerminal).ToList())
        {
            if (!ReferenceEquals(state.State.CurrentRun, run))
            {
                // Cancelled while this (interleaving) pass awaited: that run is over.
                return;
            }

            // StartAsync is idempotent: a start whose confirmation was lost is simply confirmed now.
            await GrainFactory.GetGrain<ISyncTaskGrain>(task.TaskId).StartAsync(TaskSpec(spec, run, task));
            task.Started = true;
            if (task.Status == SyncTaskStatus.Pending)
            {
                task.Status = SyncTaskStatus.Running;
            }

            await Writes.WriteAsync();
        }

        if (run.AllTerminal && ReferenceEquals(state.State.CurrentRun, run))
        {
            await FinishRunAsync(run);
        }
    }

    private async Task FinishRunAsync(RunState run)
    {
        var status = run.Tasks.Select(static t => t.Status).ToList().Outcome();
        var finishedAt = time.GetUtcNow();
        await runs.FinishedAsync(run.RunId, status, [.. run.Tasks.Select(static t => t.Final).OfType<TaskView>()], finishedAt, CancellationToken.None);
        if (!ReferenceEquals(state.State.CurrentRun, run))
        {
            // Cancelled while the history was written: the cancel ended it.
            return;
        }

        var breaker = state.State.Breaker;
        BreakerMoved(status switch
        {
            SyncTaskStatus.Succeeded => CircuitBreaker.RecordSuccess(breaker),
            SyncTaskStatus.Failed => CircuitBreaker.RecordFailure(breaker, options.Value.Breaker, finishedAt),
            _ => BreakerTransition.None,
        });
        state.State.LastRun = run.ToView(ProjectId, status, finishedAt);
        state.State.CurrentRun = null;
        await Bookkeeping.SaveAsync();
        LogInformationRunFinished(logger, ProjectId, run.RunId, status);
        await UnregisterReminderAsync(RunReminder, CancellationToken.None);
    }

    private void BreakerMoved(BreakerTransition transition)
    {
        if (transition != BreakerTransition.None)
        {
            metrics.BreakerTransition("project", transition);
            LogInformationBreaker(logger, ProjectId, transition, state.State.Breaker.NextProbeAt);
        }
    }

    private SyncTaskSpec TaskSpec(ProjectSpec spec, RunState run, RunTaskState task) =>
        new(task.TaskId, ProjectId, task.Stream, run.RunId, run.Full, spec.BaseUrl, spec.ClientId, spec.ClientSecretVariable, spec.UserId,
            FollowsReviews: ChildStreams.Contains(task.Stream) && run.Tasks.Exists(static t => t.Stream == StreamNames.Reviews));

    /// <summary>Sortable by start time, and unique across projects starting in the same millisecond.</summary>
    private static string NewRunId(DateTimeOffset now) =>
        $"{now:yyyyMMdd'T'HHmmssfff}Z-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Project {ProjectId} started run {RunId} with {Tasks} task(s)")]
    private static partial void LogInformationRunStarted(ILogger logger, string projectId, string runId, int tasks);

    [LoggerMessage(Level = LogLevel.Information, Message = "Project {ProjectId} finished run {RunId}: {Status}")]
    private static partial void LogInformationRunFinished(ILogger logger, string projectId, string runId, SyncTaskStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Project {ProjectId} could not advance run {RunId}; retrying in {DelayMs} ms")]
    private static partial void LogWarningBookkeepingFailed(ILogger logger, Exception error, string projectId, string? runId, long delayMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Project {ProjectId} breaker {Transition}; next probe {NextProbe:u}")]
    private static partial void LogInformationBreaker(ILogger logger, string projectId, BreakerTransition transition, DateTimeOffset? nextProbe);
}
