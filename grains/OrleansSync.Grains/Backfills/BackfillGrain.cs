using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansSync.Projects;
using OrleansSync.Resilience;
using OrleansSync.Runs;
using OrleansSync.Security;
using OrleansSync.Sources;
using OrleansSync.Tasks;

namespace OrleansSync.Backfills;

/// <summary>
/// A backfill: one task per UTC day, at most <see cref="BackfillOptions.MaxParallelDays"/> running at once, the next
/// started when one ends. Like a project's run, every bookkeeping step (its <c>sync.runs</c> row, starting a day,
/// finishing) is idempotent, recorded once done, and retried with backoff until done — by a timer across failed calls
/// and by a reminder across silo deaths. A failed day does not stop the others, and can be retried alone.
/// </summary>
public sealed partial class BackfillGrain(
    [PersistentState("backfill", GrainStorage.Name)] IPersistentState<BackfillState> state,
    RunsTable history,
    SourceKinds kinds,
    TimeProvider time,
    IOptions<BackfillOptions> options,
    IOptions<SyncTaskOptions> taskOptions,
    IOptions<ProjectOptions> projectOptions,
    ILogger<BackfillGrain> logger) : Grain, IBackfillGrain, IRemindable
{
    private const string Reminder = "backfill-watchdog";

    private RetriedBookkeeping? _bookkeeping;
    private StateWrites? _writes;

    private string BackfillId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State is { Request: not null, FinishedAt: null })
        {
            // A silo may have died mid-step; every step is idempotent, so carry on, from a timer that interleaves.
            Bookkeeping.RetryIn(TimeSpan.FromSeconds(1));
        }

        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State is { Request: not null, FinishedAt: null })
        {
            await AdvanceAsync();
        }
        else if (await this.GetReminder(Reminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task<BackfillView> StartAsync(BackfillRequest request, CancellationToken cancellationToken = default)
    {
        GrainInput.Required(request, "The backfill request");
        GrainInput.Text(request.Trigger, "The backfill's trigger");
        var projectId = ProjectIds.Normalize(GrainInput.Text(request.ProjectId, "The backfill's project id"));
        if (state.State.Request is { } existing)
        {
            if (existing.ProjectId != projectId || existing.From != request.From || existing.To != request.To)
            {
                throw new InvalidRequestException(
                    $"Backfill {BackfillId} already exists for {existing.ProjectId} from {BackfillIds.Day(existing.From)} to {BackfillIds.Day(existing.To)}: start a new backfill for another range.");
            }

            return View();
        }

        var now = time.GetUtcNow();
        if (BackfillIds.RangeProblem(request.From, request.To, DateOnly.FromDateTime(now.UtcDateTime)) is { } problem)
        {
            throw new InvalidRequestException(problem);
        }

        var project = await GrainFactory.GetGrain<IProjectGrain>(projectId).GetAsync(cancellationToken)
            ?? throw new InvalidRequestException($"Project {projectId} is not configured: add it with 'orleanssync project add {projectId} --base-url URL --client-id ID --client-secret-env VAR'.");
        if (project.Paused)
        {
            throw new InvalidRequestException($"Project {projectId} is paused: resume it with 'orleanssync project resume {projectId}' before backfilling it.");
        }

        var kind = kinds.Of(project.Spec.Source);
        if (kind.Streams(project.Spec).Backfill is null)
        {
            throw new InvalidRequestException($"Project {projectId} reads a '{kind.Name}' source, which has no backfill: sync it instead ('orleanssync sync {projectId} --full').");
        }

        var days = Enumerable.Range(0, request.To.DayNumber - request.From.DayNumber + 1).Select(request.From.AddDays);
        state.State = new BackfillState
        {
            Request = request with { ProjectId = projectId },
            BaseUrl = project.Spec.BaseUrl,
            ClientId = project.Spec.ClientId,
            ClientSecretVariable = project.Spec.ClientSecretVariable,
            UserId = project.Spec.UserId,
            Source = kind.Name,
            StartedAt = now,
            Status = SyncTaskStatus.Running,
            Days = [.. days.Select(d => new BackfillDayState { Day = d, Attempt = 1, TaskId = BackfillIds.DayTask(projectId, BackfillId, d, 1) })],
        };
        try
        {
            await Writes.WriteAsync(cancellationToken);
        }
        catch
        {
            // Not started: the caller hears why, and its retry starts afresh.
            state.State = new BackfillState();
            throw;
        }

        LogInformationStarted(logger, BackfillId, projectId, request.From, request.To);
        await AdvanceAsync();
        return View();
    }

    public Task<BackfillView?> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(state.State.Request is null ? null : View());

    public async Task<BackfillView> RetryDayAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        var request = state.State.Request ?? throw new InvalidRequestException($"No backfill '{BackfillId}': 'orleanssync backfill <project-id> --from DATE --to DATE' starts one.");
        var entry = state.State.Days.Find(d => d.Day == day)
            ?? throw new InvalidRequestException($"{BackfillIds.Day(day)} is not a day of backfill {BackfillId} ({BackfillIds.Day(request.From)} to {BackfillIds.Day(request.To)}).");
        if (entry.Status is not (SyncTaskStatus.Failed or SyncTaskStatus.Cancelled))
        {
            throw new InvalidRequestException($"Day {BackfillIds.Day(day)} of backfill {BackfillId} is {entry.Status.ToText()}: only a failed or cancelled day can be retried.");
        }

        var before = (entry.Attempt, entry.TaskId, entry.Started, entry.Status, entry.Final, state.State.FinishedAt, state.State.Status, state.State.HistoryOpened);
        entry.Attempt++;
        entry.TaskId = BackfillIds.DayTask(request.ProjectId, BackfillId, day, entry.Attempt);
        entry.Started = false;
        entry.Status = SyncTaskStatus.Pending;
        entry.Final = null;
        // Reopened: its sync.runs row says running again, and its reminder watches it again.
        state.State.FinishedAt = null;
        state.State.Status = SyncTaskStatus.Running;
        state.State.HistoryOpened = false;
        try
        {
            await Writes.WriteAsync(cancellationToken);
        }
        catch
        {
            (entry.Attempt, entry.TaskId, entry.Started, entry.Status, entry.Final, state.State.FinishedAt, state.State.Status, state.State.HistoryOpened) = before;
            throw;
        }

        LogInformationDayRetried(logger, BackfillId, day, entry.TaskId);
        await AdvanceAsync();
        return View();
    }

    public async Task TaskFinishedAsync(TaskView final, CancellationToken cancellationToken = default)
    {
        GrainInput.Required(GrainInput.Required(final, "The task's final view").Spec, "The task's spec");
        if (state.State.Days.Find(d => d.TaskId == final.Spec.TaskId) is not { } day || day.Status.IsTerminal())
        {
            // An earlier task of a retried day, or news already heard.
            return;
        }

        // Until this write lands the task hears an error and tells us again; meanwhile memory must not run ahead.
        var before = (day.Status, day.Final);
        day.Status = final.Status;
        day.Final = final;
        try
        {
            await Writes.WriteAsync(cancellationToken);
        }
        catch
        {
            (day.Status, day.Final) = before;
            throw;
        }

        await AdvanceAsync();
    }

    /// <summary>Every write of the backfill's state, one at a time (the bookkeeping's timer interleaves with requests).</summary>
    private StateWrites Writes => _writes ??= new(ct => state.WriteStateAsync(ct), DeactivateOnIdle);

    private RetriedBookkeeping Bookkeeping => _bookkeeping ??= new(
        this,
        () => Writes.WriteAsync(),
        AdvanceOnceAsync,
        failures => taskOptions.Value.RetryDelay(failures, projectOptions.Value.BookkeepingMaxDelay),
        (e, delay) => LogWarningBookkeepingFailed(logger, e, BackfillId, (long)delay.TotalMilliseconds),
        EndRefusedAsync);

    /// <summary>PostgreSQL refuses the backfill's bookkeeping for good: it ends failed, naming why; its running days stop.</summary>
    private async Task EndRefusedAsync(PostgresException refused)
    {
        var s = state.State;
        if (s.Request is null || s.FinishedAt is not null)
        {
            return;
        }

        var open = s.Days.Where(static d => !d.Status.IsTerminal()).ToList();
        foreach (var day in open)
        {
            day.Status = SyncTaskStatus.Cancelled;
        }

        s.Status = SyncTaskStatus.Failed;
        s.FinishedAt = time.GetUtcNow();
        s.Error = RetriedBookkeeping.Describe(refused);
        await Writes.WriteAsync();
        LogErrorRefused(logger, refused, BackfillId, s.Error);
        // Not awaited: a day's task that stops reports to this grain.
        foreach (var day in open.Where(static d => d.Started && d.TaskId is not null))
        {
            GrainFactory.GetGrain<ISyncTaskGrain>(day.TaskId!).CancelAsync(CancellationToken.None).Ignore();
        }

        if (await this.GetReminder(Reminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>Runs the bookkeeping steps that are due; on failure, arms a retry with backoff. Never throws.</summary>
    private Task AdvanceAsync() => Bookkeeping.AdvanceAsync();

    private async Task AdvanceOnceAsync()
    {
        var s = state.State;
        if (s.Request is null || s.FinishedAt is not null)
        {
            return;
        }

        if (!s.HistoryOpened)
        {
            await OpenHistoryAsync(s);
            var period = taskOptions.Value.WatchdogPeriod;
            await this.RegisterOrUpdateReminder(Reminder, period, period);
            s.HistoryOpened = true;
            await Writes.WriteAsync();
        }

        var running = s.Days.Count(static d => d.Started && !d.Status.IsTerminal());
        await TaskStarts.StartAsync(
            GrainFactory,
            s.Days.Where(static d => !d.Started && !d.Status.IsTerminal()).Take(Math.Max(0, options.Value.MaxParallelDays - running)),
            day => DaySpec(s, day),
            static () => true,
            () => Writes.WriteAsync());

        if (s.AllTerminal)
        {
            await FinishAsync(s);
        }
    }

    private async Task FinishAsync(BackfillState s)
    {
        var status = s.Days.Select(static d => d.Status).ToList().Outcome();
        s.Status = status;
        s.FinishedAt = time.GetUtcNow();
        try
        {
            await CloseHistoryAsync(s);
        }
        catch
        {
            s.FinishedAt = null;
            s.Status = SyncTaskStatus.Running;
            throw;
        }

        await Bookkeeping.SaveAsync();
        LogInformationFinished(logger, BackfillId, status);
        if (await this.GetReminder(Reminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>A day's task: its kind's backfill stream over [midnight, next midnight) UTC, its checkpoints scoped to the day.</summary>
    private SyncTaskSpec DaySpec(BackfillState s, BackfillDayState day)
    {
        var from = new DateTimeOffset(day.Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return new SyncTaskSpec(
            day.TaskId!, s.Request!.ProjectId, BackfillStream(s), BackfillId, Full: false, s.BaseUrl, s.ClientId, s.ClientSecretVariable, s.UserId,
            BackfillId: BackfillId, From: from, Until: from.AddDays(1), Source: s.Source);
    }

    /// <summary>The stream a day runs: its kind's backfill stream, for the project as the backfill took it.</summary>
    private string BackfillStream(BackfillState s) =>
        kinds.Of(s.Source).Streams(new ProjectSpec(s.Request!.ProjectId, s.Source ?? "", s.BaseUrl, s.ClientId, s.ClientSecretVariable, s.UserId, [], null)).Backfill!;

    private BackfillView View()
    {
        var s = state.State;
        return new BackfillView(
            BackfillId, s.Request!.ProjectId, s.Request.From, s.Request.To, s.Request.Trigger, s.FinishedAt is null ? SyncTaskStatus.Running : s.Status,
            s.StartedAt, s.FinishedAt, options.Value.MaxParallelDays, [.. s.Days.Select(static d => d.ToView())], s.Error);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfill {BackfillId} of {ProjectId} started: {From} to {To}")]
    private static partial void LogInformationStarted(ILogger logger, string backfillId, string projectId, DateOnly from, DateOnly to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfill {BackfillId} retries day {Day} with task {TaskId}")]
    private static partial void LogInformationDayRetried(ILogger logger, string backfillId, DateOnly day, string taskId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfill {BackfillId} finished: {Status}")]
    private static partial void LogInformationFinished(ILogger logger, string backfillId, SyncTaskStatus status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Backfill {BackfillId} ended failed: {Reason}")]
    private static partial void LogErrorRefused(ILogger logger, Exception error, string backfillId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backfill {BackfillId} could not advance; retrying in {DelayMs} ms")]
    private static partial void LogWarningBookkeepingFailed(ILogger logger, Exception error, string backfillId, long delayMs);
}
