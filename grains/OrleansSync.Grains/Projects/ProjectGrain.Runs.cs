using Microsoft.Extensions.Logging;
using OrleansSync.Events;
using OrleansSync.Resilience;
using OrleansSync.Runs;
using OrleansSync.Security;
using OrleansSync.Sources;
using OrleansSync.Tasks;

namespace OrleansSync.Projects;

/// <summary>
/// A project's runs. Every step of a run's bookkeeping (its history row, starting its tasks, finishing it) is
/// idempotent, recorded once done, and retried with backoff until done — across failed calls (a timer) and silo
/// deaths (the run's reminder) — so a run never stays "in progress" for want of one write.
/// </summary>
public sealed partial class ProjectGrain
{
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

        var kind = kinds.Of(spec.Source);
        var streams = request.Streams is { Count: > 0 } asked ? asked : spec.Streams;
        var known = kind.Streams(spec).Project;
        ProjectSpecValidator.ValidateStreams(known, streams, FixWording.StreamsAsked(request.Trigger));
        var notConfigured = streams.Except(spec.Streams).ToList();
        if (notConfigured.Count > 0)
        {
            throw new InvalidRequestException(
                $"Project {ProjectId} does not sync {string.Join(", ", notConfigured)}: its streams are {string.Join(", ", spec.Streams)} ({FixWording.ChangeStreams(request.Trigger)}).");
        }

        var now = time.GetUtcNow();
        var breaker = state.State.Breaker;
        if (!request.Force && BreakerRefusal(now) is { } refusal)
        {
            throw new SyncRefusedException($"{refusal} {FixWording.ForceProbe(request.Trigger, ProjectId)}");
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
            Tasks = [.. known.Where(streams.Contains).Select(s => new RunTaskState { TaskId = $"{ProjectId}:{s}:{runId}", Stream = s })],
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
        RunEvent(run.ToView(ProjectId, SyncTaskStatus.Running, null), "started");
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

        // Looked up before anything changes: memory must not run ahead of a refusal.
        var spec = RequireSpec();
        var streams = kinds.Of(spec.Source).Streams(spec);

        // Until this write lands the task hears an error and tells us again; meanwhile memory must not run ahead.
        var before = run.Tasks.Select(static t => (t.Status, t.Final)).ToList();
        task.Status = final.Status;
        task.Final = final;
        if (final.Status != SyncTaskStatus.Succeeded)
        {
            // A follower reads what its leader landed (review children: the reviews the run changed); without it there
            // is nothing sound to do.
            foreach (var follower in run.Tasks.Where(t => streams.LeaderOf(t.Stream) == task.Stream && !t.Started && !t.IsTerminal))
            {
                follower.Status = SyncTaskStatus.Cancelled;
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
            await runs.OpenAsync(
                new OpenedRun(run.RunId, ProjectId, run.Full ? "full" : "sync", run.Trigger, run.Tasks.Count, run.StartedAt, run.Reason, run.DueAt),
                reopen: false,
                CancellationToken.None);
            // The run's own watchdog: after a silo death, it re-activates the project to carry on.
            var period = taskOptions.Value.WatchdogPeriod;
            await this.RegisterOrUpdateReminder(RunReminder, period, period);
            run.HistoryOpened = true;
            await Writes.WriteAsync();
        }

        var streams = kinds.Of(spec.Source).Streams(spec);
        await TaskStarts.StartAsync(
            GrainFactory,
            run.Tasks.Where(t => !t.Started && !t.IsTerminal && MayStart(run, streams, t)),
            task => TaskSpec(spec, run, task, FollowedTask(run, streams, task)),
            // False once cancelled while this (interleaving) pass awaited: that run is over.
            () => ReferenceEquals(state.State.CurrentRun, run),
            () => Writes.WriteAsync());

        if (run.AllTerminal && ReferenceEquals(state.State.CurrentRun, run))
        {
            await FinishRunAsync(run);
        }
    }

    /// <summary>Closes the run's <c>sync.runs</c> row with its tasks' totals and the first failed task's last error.</summary>
    private Task CloseHistoryAsync(RunState run, SyncTaskStatus status, DateTimeOffset finishedAt, CancellationToken cancellationToken)
    {
        var finals = run.Tasks.Select(static t => t.Final).OfType<TaskView>().ToList();
        var error = finals.Where(static t => t.Status == SyncTaskStatus.Failed).Select(static t => $"{t.Spec.Stream}: {t.Errors.LastOrDefault()?.Message}").FirstOrDefault();
        return runs.CloseAsync(run.RunId, status, finishedAt, finals, error, tasks: null, cancellationToken);
    }

    private async Task FinishRunAsync(RunState run)
    {
        var status = run.Tasks.Select(static t => t.Status).ToList().Outcome();
        var finishedAt = time.GetUtcNow();
        await CloseHistoryAsync(run, status, finishedAt, CancellationToken.None);
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
        state.State.Finished(run.ToView(ProjectId, status, finishedAt));
        state.State.CurrentRun = null;
        await Bookkeeping.SaveAsync();
        LogInformationRunFinished(logger, ProjectId, run.RunId, status);
        RunEvent(run.ToView(ProjectId, status, finishedAt), "ended");
        await UnregisterReminderAsync(RunReminder, CancellationToken.None);
    }

    /// <summary>A <c>run</c> event for the feed: a run started, or ended with its outcome.</summary>
    private void RunEvent(RunView run, string phase) => events.Publish(new ClusterEvent(
        0,
        "run",
        ProjectId,
        time.GetUtcNow(),
        System.Text.Json.JsonSerializer.Serialize(
            new { run.RunId, run.ProjectId, phase, status = run.Status.ToText(), run.Trigger, run.Full, tasks = run.Tasks.Count, run.StartedAt, run.FinishedAt, run.Error },
            ProgressEvents.Json)));

    private void BreakerMoved(BreakerTransition transition)
    {
        if (transition != BreakerTransition.None)
        {
            metrics.BreakerTransition("project", transition);
            LogInformationBreaker(logger, ProjectId, transition, state.State.Breaker.NextProbeAt);
        }
    }

    /// <summary>
    /// Whether <paramref name="task"/> may start: it follows no stream of the run, or it follows its leader as it lands
    /// (<see cref="FollowedTask"/>), or its leader's task succeeded.
    /// </summary>
    private static bool MayStart(RunState run, SourceStreams streams, RunTaskState task) =>
        LeaderTask(run, streams, task) is not { } leading
        || FollowedTask(run, streams, task) is not null
        || leading.Status == SyncTaskStatus.Succeeded;

    /// <summary>The run's task that <paramref name="task"/> follows, if the run has one.</summary>
    private static RunTaskState? LeaderTask(RunState run, SourceStreams streams, RunTaskState task) =>
        streams.LeaderOf(task.Stream) is { } leader ? run.Tasks.Find(t => t.Stream == leader) : null;

    /// <summary>
    /// The leader's task id when <paramref name="task"/> runs with it and follows what it lands (a kind whose followers
    /// do, <see cref="SourceStreams.FollowAsLanded"/>); null when it waits for the leader to succeed or follows none.
    /// </summary>
    private static string? FollowedTask(RunState run, SourceStreams streams, RunTaskState task) =>
        streams.FollowAsLanded && LeaderTask(run, streams, task) is { } leading ? leading.TaskId : null;

    private SyncTaskSpec TaskSpec(ProjectSpec spec, RunState run, RunTaskState task, string? leaderTaskId) =>
        new(task.TaskId, ProjectId, task.Stream, run.RunId, run.Full, spec.BaseUrl, spec.ClientId, spec.ClientSecretVariable, spec.UserId, Source: spec.Source,
            SourceConnectionVariable: spec.SourceConnectionVariable, Mode: spec.Mode, TargetSchema: spec.TargetSchema,
            CursorColumn: spec.CursorColumn, LeaderTaskId: leaderTaskId);

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
