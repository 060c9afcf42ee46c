using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSync.Events;
using OrleansSync.Resilience;
using OrleansSync.Runs;
using OrleansSync.Security;
using OrleansSync.Sources;
using OrleansSync.Tasks;
using OrleansSync.Telemetry;

namespace OrleansSync.Projects;

/// <summary>
/// A project: its settings, its runs and its circuit breaker. A run starts one task per stream of its source kind; a
/// stream that follows another (<see cref="SourceStreams.Follows"/>) waits for that one's task to succeed, or starts with it
/// and follows what it lands (<see cref="SourceStreams.FollowAsLanded"/>, incremental runs). A schedule (<c>--every</c>)
/// is a reminder, so it survives the loss of any silo and a full cluster restart. Runs' bookkeeping lives in
/// <c>ProjectGrain.Runs.cs</c>, schedules (jitter, catch-up) in <c>ProjectGrain.Schedule.cs</c>.
/// </summary>
public sealed partial class ProjectGrain(
    [PersistentState("project", GrainStorage.Name)] IPersistentState<ProjectState> state,
    RunsTable runs,
    SourceKinds kinds,
    SyncMetrics metrics,
    EventPublisher events,
    ILocalSiloDetails silo,
    TimeProvider time,
    IOptions<ProjectOptions> options,
    IOptions<SyncTaskOptions> taskOptions,
    ILogger<ProjectGrain> logger) : Grain, IProjectGrain, IRemindable
{
    private const string ScheduleReminder = "schedule";
    private const string RunReminder = "run-watchdog";

    private string ProjectId => this.GetPrimaryKeyString();

    public async Task<ProjectView> ConfigureAsync(ProjectSpec spec, CancellationToken cancellationToken = default)
    {
        var normalised = ProjectSpecValidator.Normalise(ProjectId, spec, options.Value.MinimumEvery, kinds);
        // Checked on this silo only; every silo needs them, and a task on a silo without them fails naming both.
        var kind = kinds.Of(normalised.Source);
        kind.CheckSecrets(normalised, silo.Name);
        await kind.CheckSourceAsync(normalised, silo.Name, cancellationToken);
        var fresh = await SaveSpecAsync(normalised, cancellationToken);
        await GrainFactory.GetGrain<IProjectCatalogGrain>(IProjectCatalogGrain.Key).AddAsync(ProjectId, cancellationToken);
        if (fresh is not null)
        {
            // A newly scheduled project runs at once (see ProjectGrain.Schedule.cs).
            await ActOnTickAsync(fresh, fresh.LastTickAt!.Value, missed: 0, since: null);
        }

        return View();
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.CurrentRun is not null)
        {
            // A silo may have died in the middle of a bookkeeping step; every step is idempotent, so advance the run
            // again, from a timer that interleaves, because a task may be calling us right now.
            Bookkeeping.RetryIn(TimeSpan.FromSeconds(1));
        }

        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == RunReminder)
        {
            if (state.State.CurrentRun is null)
            {
                await UnregisterReminderAsync(RunReminder, CancellationToken.None);
            }
            else
            {
                await AdvanceRunAsync();
            }

            return;
        }

        if (state.State.Spec is not { Every: not null })
        {
            await UnregisterReminderAsync(ScheduleReminder, CancellationToken.None);
            return;
        }

        await ScheduledTickAsync(status);
    }

    public Task<ProjectView?> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(state.State.Spec is null ? null : View());

    public async Task<string?> RemoveAsync(CancellationToken cancellationToken = default)
    {
        var spec = RequireSpec();
        if (state.State.CurrentRun is { } run)
        {
            throw new InvalidRequestException($"Project {ProjectId} has run {run.RunId} in progress: wait for it, or cancel it (orleanssync run cancel {ProjectId}), before removing the project.");
        }

        var left = await kinds.Of(spec.Source).RemoveAsync(spec, silo.Name, cancellationToken);
        await UnregisterReminderAsync(ScheduleReminder, cancellationToken);
        await GrainFactory.GetGrain<IProjectCatalogGrain>(IProjectCatalogGrain.Key).RemoveAsync(ProjectId, cancellationToken);
        await state.ClearStateAsync(cancellationToken);
        return left;
    }

    public async Task<ProjectView> SetPausedAsync(bool paused, CancellationToken cancellationToken = default)
    {
        RequireSpec();
        if (state.State.Paused != paused)
        {
            state.State.Paused = paused;
            await Writes.WriteAsync(cancellationToken);
        }

        return View();
    }

    public Task<RunView?> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        GrainInput.Text(runId, "The run id");
        if (state.State.CurrentRun is { } current && current.RunId == runId)
        {
            return Task.FromResult<RunView?>(current.ToView(ProjectId, SyncTaskStatus.Running, null));
        }

        return Task.FromResult(state.State.FinishedRun(runId));
    }

    private async Task UnregisterReminderAsync(string name, CancellationToken cancellationToken)
    {
        if (await this.GetReminder(name, cancellationToken) is { } reminder)
        {
            await this.UnregisterReminder(reminder, cancellationToken);
        }
    }

    private ProjectSpec RequireSpec() => state.State.Spec
        ?? throw new InvalidRequestException($"Project {ProjectId} is not configured: add it with 'orleanssync project add {ProjectId} --base-url URL --client-id ID --client-secret-env VAR'.");

    private ProjectView View() => new(
        state.State.Spec!,
        state.State.Paused,
        state.State.CreatedAt,
        state.State.CurrentRun?.ToView(ProjectId, SyncTaskStatus.Running, null),
        state.State.LastRun,
        CircuitBreaker.View(state.State.Breaker, options.Value.Breaker),
        state.State.LastSkip,
        state.State.Schedule?.ToView(time.GetUtcNow()));
}
