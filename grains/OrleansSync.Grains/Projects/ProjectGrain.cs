using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSync.Pipeline;
using OrleansSync.Secrets;
using OrleansSync.Tasks;

namespace OrleansSync.Projects;

/// <summary>
/// A project: its settings and its runs. A run starts one task per stream; review children wait for the run's
/// reviews task, because they are fetched only for the reviews it changed. A schedule (<c>--every</c>) is a reminder,
/// so it survives the loss of any silo and a full cluster restart.
/// </summary>
public sealed partial class ProjectGrain(
    [PersistentState("project", GrainStorage.Name)] IPersistentState<ProjectState> state,
    RunHistory runs,
    ILocalSiloDetails silo,
    TimeProvider time,
    IOptions<ProjectOptions> options,
    ILogger<ProjectGrain> logger) : Grain, IProjectGrain, IRemindable
{
    private const string ScheduleReminder = "schedule";

    private static readonly HashSet<string> ChildStreams = [StreamNames.ReviewVersions, StreamNames.ReviewProgress];

    private string ProjectId => this.GetPrimaryKeyString();

    public async Task<ProjectView> ConfigureAsync(ProjectSpec spec, CancellationToken cancellationToken = default)
    {
        var normalised = ProjectSpecValidator.Normalise(ProjectId, spec, options.Value.MinimumEvery);
        // Checked on this silo only; every silo needs it, and a task on a silo without it fails naming both.
        _ = SecretVariables.Resolve(normalised.ClientSecretVariable, silo.Name);
        if (state.State.Spec is null)
        {
            state.State.CreatedAt = time.GetUtcNow();
        }

        state.State.Spec = normalised;
        await state.WriteStateAsync(cancellationToken);
        await GrainFactory.GetGrain<IProjectCatalogGrain>(IProjectCatalogGrain.Key).AddAsync(ProjectId, cancellationToken);
        if (normalised.Every is { } every)
        {
            await this.RegisterOrUpdateReminder(ScheduleReminder, every, every, cancellationToken);
        }
        else
        {
            await UnregisterScheduleAsync(cancellationToken);
        }

        return View();
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.CurrentRun is not null)
        {
            // A silo may have died between recording a task as started and starting it. StartAsync is idempotent, so
            // start them all again; from a timer that interleaves, because a task may be calling us right now.
            this.RegisterGrainTimer(
                static (grain, ct) => grain.RestartRunTasksAsync(ct),
                this,
                new GrainTimerCreationOptions { DueTime = TimeSpan.FromSeconds(1), Period = Timeout.InfiniteTimeSpan, Interleave = true, KeepAlive = false });
        }

        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Spec is not { Every: not null })
        {
            await UnregisterScheduleAsync(CancellationToken.None);
            return;
        }

        if (state.State.CurrentRun is null && !state.State.Paused)
        {
            await SyncAsync(new SyncRequest(null, Full: false, Trigger: "schedule"));
        }
    }

    public Task<ProjectView?> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(state.State.Spec is null ? null : View());

    public async Task RemoveAsync(CancellationToken cancellationToken = default)
    {
        RequireSpec();
        if (state.State.CurrentRun is { } run)
        {
            throw new InvalidRequestException($"Project {ProjectId} has run {run.RunId} in progress: wait for it (or cancel its tasks) before removing the project.");
        }

        await UnregisterScheduleAsync(cancellationToken);
        await GrainFactory.GetGrain<IProjectCatalogGrain>(IProjectCatalogGrain.Key).RemoveAsync(ProjectId, cancellationToken);
        await state.ClearStateAsync(cancellationToken);
    }

    public async Task<ProjectView> SetPausedAsync(bool paused, CancellationToken cancellationToken = default)
    {
        RequireSpec();
        if (state.State.Paused != paused)
        {
            state.State.Paused = paused;
            await state.WriteStateAsync(cancellationToken);
        }

        return View();
    }

    public async Task<SyncStarted> SyncAsync(SyncRequest request, CancellationToken cancellationToken = default)
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
        // Sortable by start time, and unique across projects starting in the same millisecond.
        var runId = $"{now:yyyyMMdd'T'HHmmssfff}Z-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";
        var run = new RunState
        {
            RunId = runId,
            Full = request.Full,
            Trigger = request.Trigger,
            StartedAt = now,
            Tasks = [.. StreamNames.ProjectStreams.Where(streams.Contains).Select(s => new RunTaskState { TaskId = $"{ProjectId}:{s}:{runId}", Stream = s })],
        };
        state.State.CurrentRun = run;
        await state.WriteStateAsync(cancellationToken);
        await runs.StartedAsync(ProjectId, run, cancellationToken);
        LogInformationRunStarted(logger, ProjectId, runId, run.Tasks.Count);

        var reviewsInRun = run.Tasks.Any(static t => t.Stream == StreamNames.Reviews);
        await StartTasksAsync(run, t => !reviewsInRun || !ChildStreams.Contains(t.Stream), cancellationToken);
        return new SyncStarted(run.ToView(ProjectId, SyncTaskStatus.Running, null), AlreadyRunning: false);
    }

    public Task<RunView?> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        if (state.State.CurrentRun is { } current && current.RunId == runId)
        {
            return Task.FromResult<RunView?>(current.ToView(ProjectId, SyncTaskStatus.Running, null));
        }

        return Task.FromResult(state.State.LastRun is { } last && last.RunId == runId ? last : null);
    }

    public async Task TaskFinishedAsync(string taskId, SyncTaskStatus status, CancellationToken cancellationToken = default)
    {
        if (state.State.CurrentRun is not { } run || run.Tasks.Find(t => t.TaskId == taskId) is not { } task || task.IsTerminal)
        {
            return;
        }

        task.Status = status;
        if (task.Stream == StreamNames.Reviews)
        {
            if (status == SyncTaskStatus.Succeeded)
            {
                await state.WriteStateAsync(cancellationToken);
                await StartTasksAsync(run, static t => !t.Started, cancellationToken);
            }
            else
            {
                // Children are fetched for the reviews the run changed; without them there is nothing sound to do.
                foreach (var child in run.Tasks.Where(static t => !t.Started))
                {
                    child.Status = SyncTaskStatus.Cancelled;
                }
            }
        }

        if (run.AllTerminal)
        {
            await FinishRunAsync(run, cancellationToken);
        }
        else
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    private async Task RestartRunTasksAsync(CancellationToken cancellationToken)
    {
        if (state.State.CurrentRun is not { } run || state.State.Spec is not { } spec)
        {
            return;
        }

        foreach (var task in run.Tasks.Where(static t => t.Started && !t.IsTerminal))
        {
            await GrainFactory.GetGrain<ISyncTaskGrain>(task.TaskId).StartAsync(TaskSpec(spec, run, task), cancellationToken);
        }
    }

    private async Task UnregisterScheduleAsync(CancellationToken cancellationToken)
    {
        if (await this.GetReminder(ScheduleReminder, cancellationToken) is { } reminder)
        {
            await this.UnregisterReminder(reminder, cancellationToken);
        }
    }

    private SyncTaskSpec TaskSpec(ProjectSpec spec, RunState run, RunTaskState task) =>
        new(task.TaskId, ProjectId, task.Stream, run.RunId, run.Full, spec.BaseUrl, spec.ClientId, spec.ClientSecretVariable, spec.UserId);

    private async Task StartTasksAsync(RunState run, Func<RunTaskState, bool> which, CancellationToken cancellationToken)
    {
        var spec = RequireSpec();
        foreach (var task in run.Tasks.Where(which).Where(static t => !t.Started))
        {
            var taskSpec = TaskSpec(spec, run, task);
            task.Started = true;
            task.Status = SyncTaskStatus.Running;
            await state.WriteStateAsync(cancellationToken);
            await GrainFactory.GetGrain<ISyncTaskGrain>(task.TaskId).StartAsync(taskSpec, cancellationToken);
        }
    }

    private async Task FinishRunAsync(RunState run, CancellationToken cancellationToken)
    {
        var statuses = run.Tasks.Select(static t => t.Status).ToList();
        var status = statuses.All(static s => s == SyncTaskStatus.Succeeded) ? SyncTaskStatus.Succeeded
            : statuses.Contains(SyncTaskStatus.Failed) ? SyncTaskStatus.Failed
            : SyncTaskStatus.Cancelled;
        var finishedAt = time.GetUtcNow();
        var views = new List<TaskView>();
        foreach (var task in run.Tasks.Where(static t => t.Started))
        {
            if (await GrainFactory.GetGrain<ISyncTaskGrain>(task.TaskId).GetAsync(cancellationToken) is { } view)
            {
                views.Add(view);
            }
        }

        await runs.FinishedAsync(run.RunId, status, views, finishedAt, cancellationToken);
        state.State.LastRun = run.ToView(ProjectId, status, finishedAt);
        state.State.CurrentRun = null;
        await state.WriteStateAsync(cancellationToken);
        LogInformationRunFinished(logger, ProjectId, run.RunId, status);
    }

    private ProjectSpec RequireSpec() => state.State.Spec
        ?? throw new InvalidRequestException($"Project {ProjectId} is not configured: add it with 'orleanssync project add {ProjectId} --base-url URL --client-id ID --client-secret-env VAR'.");

    private ProjectView View() => new(
        state.State.Spec!,
        state.State.Paused,
        state.State.CreatedAt,
        state.State.CurrentRun?.ToView(ProjectId, SyncTaskStatus.Running, null),
        state.State.LastRun);

    [LoggerMessage(Level = LogLevel.Information, Message = "Project {ProjectId} started run {RunId} with {Tasks} task(s)")]
    private static partial void LogInformationRunStarted(ILogger logger, string projectId, string runId, int tasks);

    [LoggerMessage(Level = LogLevel.Information, Message = "Project {ProjectId} finished run {RunId}: {Status}")]
    private static partial void LogInformationRunFinished(ILogger logger, string projectId, string runId, SyncTaskStatus status);
}
