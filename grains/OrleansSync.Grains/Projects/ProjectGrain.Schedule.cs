using Microsoft.Extensions.Logging;

namespace OrleansSync.Projects;

/// <summary>
/// A project's schedule: the <c>schedule</c> reminder, its jitter, the run at once when a schedule is set, skipped
/// ticks and the catch-up after an outage.
/// <para>
/// Jitter. Each schedule gets a random offset of up to <see cref="ProjectOptions.ScheduleJitter"/> (10%) of its period,
/// drawn when the schedule is set (added, or its period changed) and folded into the reminder's first tick: ticks are
/// due at <c>set time + period + offset + k × period</c>. So a thousand projects added by one script in one second tick
/// spread over a tenth of their period rather than at once. The offset is drawn once per schedule, not per tick: the
/// reminder row keeps the phase, so it survives silo losses and full restarts unchanged without this grain storing
/// anything, and setting the same period again (a repeated <c>project add</c>) keeps the reminder and its phase
/// untouched. Only a new period re-registers the reminder, and that restarts the phase anyway, so a fresh draw costs
/// nothing. A per-tick draw would instead let a project's runs drift and bunch, and would need a timer per tick.
/// </para>
/// <para>
/// Catch-up. Orleans fires a reminder at the next multiple of its period after a restart, once, however many ticks
/// fell due while no silo was up. <see cref="ScheduleState.LastTickAt"/> says which tick was acted on last, so the
/// first tick after the gap counts the ticks it missed, runs once in their place (trigger <c>catch-up</c>, reason
/// "caught up N missed tick(s) since ..."), and moves <c>LastTickAt</c> in the same state write that starts the run:
/// the next tick, or a second delivery of the same one, finds nothing missed, so the catch-up is reported once.
/// </para>
/// </summary>
public sealed partial class ProjectGrain
{
    private const string ScheduleTrigger = "schedule";
    private const string CatchUpTrigger = "catch-up";

    public async Task<ProjectView> ScheduleAsync(TimeSpan? every, CancellationToken cancellationToken = default)
    {
        var spec = RequireSpec();
        ProjectSpecValidator.ValidateEvery(every, options.Value.MinimumEvery);
        var fresh = await SaveSpecAsync(spec with { Every = every }, cancellationToken);
        if (fresh is not null)
        {
            await ActOnTickAsync(fresh, fresh.LastTickAt!.Value, missed: 0, since: null);
        }

        return View();
    }

    /// <summary>
    /// Stores the settings and makes the reminder follow their schedule. Returns the schedule when it is new (or its
    /// period changed), whose run at once is then the caller's to start; null when nothing about the schedule changed.
    /// </summary>
    private async Task<ScheduleState?> SaveSpecAsync(ProjectSpec spec, CancellationToken cancellationToken)
    {
        var before = (state.State.Spec, state.State.Schedule, state.State.CreatedAt);
        var now = time.GetUtcNow();
        ScheduleState? fresh = null;
        if (spec.Every is not { } every)
        {
            state.State.Schedule = null;
        }
        else if (state.State.Schedule?.Every != every || await this.GetReminder(ScheduleReminder, cancellationToken) is null)
        {
            var offset = TimeSpan.FromTicks((long)(every.Ticks * options.Value.ScheduleJitter * Random.Shared.NextDouble()));
            fresh = new ScheduleState { Every = every, Offset = offset, FirstTickAt = now + every + offset, LastTickAt = now };
            state.State.Schedule = fresh;
        }

        if (state.State.Spec is null)
        {
            state.State.CreatedAt = now;
        }

        state.State.Spec = spec;
        try
        {
            await Writes.WriteAsync(cancellationToken);
        }
        catch
        {
            (state.State.Spec, state.State.Schedule, state.State.CreatedAt) = before;
            throw;
        }

        // The reminder follows the stored state; should this fail, the caller hears it and the same command again
        // re-registers (a missing reminder counts as a new schedule), and a tick of a stale period re-registers too.
        if (state.State.Schedule is null)
        {
            await UnregisterReminderAsync(ScheduleReminder, cancellationToken);
        }
        else if (fresh is not null)
        {
            await RegisterScheduleReminderAsync(fresh, cancellationToken);
        }

        return fresh;
    }

    private Task RegisterScheduleReminderAsync(ScheduleState schedule, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = schedule.NextTickAt(now) - now;
        return this.RegisterOrUpdateReminder(ScheduleReminder, due > TimeSpan.Zero ? due : TimeSpan.Zero, schedule.Every, cancellationToken);
    }

    /// <summary>A tick of the <c>schedule</c> reminder: works out which tick it is and how many were missed before it.</summary>
    private async Task ScheduledTickAsync(TickStatus status)
    {
        var tick = DueTick(status);
        var schedule = state.State.Schedule;
        if (schedule is null)
        {
            // Scheduled before schedules were tracked: adopt the reminder's phase; nothing is known to be missed.
            schedule = new ScheduleState { Every = status.Period, FirstTickAt = tick.First };
            state.State.Schedule = schedule;
        }
        else if (schedule.Every != status.Period)
        {
            // A reminder left from an earlier period (its update failed): put it back in line with the stored schedule.
            LogWarningStaleReminder(logger, ProjectId, status.Period, schedule.Every);
            try
            {
                await RegisterScheduleReminderAsync(schedule, CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogWarningTickFailed(logger, e, ProjectId);
            }

            return;
        }

        schedule.FirstTickAt = tick.First;
        var lastIndex = schedule.LastTickAt is not { } last ? (long?)null
            : last < tick.First ? -1
            : (long)Math.Round((last - tick.First) / status.Period);
        if (lastIndex >= tick.Index)
        {
            // The same tick delivered again (a reminder moving between silos): it was acted on already.
            LogDebugTickRepeated(logger, ProjectId, tick.Due);
            return;
        }

        var missed = lastIndex is { } previous ? (int)Math.Min(int.MaxValue, tick.Index - previous - 1) : 0;
        await ActOnTickAsync(schedule, tick.Due, missed, schedule.LastTickAt);
    }

    /// <summary>
    /// A tick due at <paramref name="due"/>: a run, or a skip recorded with its reason. Either way the tick counts as
    /// acted on in the same state write; if that write fails nothing changed, and the next tick finds this one missed.
    /// </summary>
    private async Task ActOnTickAsync(ScheduleState schedule, DateTimeOffset due, int missed, DateTimeOffset? since)
    {
        var now = time.GetUtcNow();
        var busy = state.State.CurrentRun is { } current ? $"run {current.RunId} is still in progress"
            : state.State.Paused ? "the project is paused"
            : BreakerRefusal(now);
        var trigger = missed > 0 ? CatchUpTrigger : ScheduleTrigger;
        var runId = NewRunId(now);
        var caughtUp = missed > 0 ? $"caught up {missed} missed tick(s) since {since:u}" : null;
        var reason = busy is null ? caughtUp : missed > 0 ? $"{busy}; {missed} missed tick(s) since {since:u} were not run" : busy;
        var before = (schedule.LastTickAt, schedule.LastCatchUp, state.State.LastSkip);
        schedule.LastTickAt = due;
        if (missed > 0)
        {
            schedule.LastCatchUp = new CatchUp(now, missed, since!.Value, busy is null ? runId : null, reason!);
            LogInformationCatchUp(logger, ProjectId, missed, since.Value, busy is null);
        }

        SkippedRun? skip = null;
        try
        {
            if (busy is null)
            {
                await StartRunAsync(new SyncRequest(null, Full: false, trigger), runId, caughtUp, due, CancellationToken.None);
                return;
            }

            skip = new SkippedRun(now, trigger, reason!);
            state.State.LastSkip = skip;
            await Writes.WriteAsync();
            LogInformationTickSkipped(logger, ProjectId, reason!);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            (schedule.LastTickAt, schedule.LastCatchUp, state.State.LastSkip) = before;
            // The next tick tries again (and reports this one as missed); a tick is not worth a retry of its own.
            LogWarningTickFailed(logger, e, ProjectId);
            return;
        }

        try
        {
            await runs.SkippedAsync(ProjectId, runId, skip.Trigger, skip.Reason, skip.At, due, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The skip is in the project's state (project show); only its history row is lost.
            LogWarningTickFailed(logger, e, ProjectId);
        }
    }

    /// <summary>
    /// Which tick a delivery is: the reminder's first tick plus whole periods, at or before the delivery (a timer that
    /// fires a hair early, up to 1% of the period, counts as the tick it was armed for).
    /// </summary>
    private static (DateTimeOffset First, long Index, DateTimeOffset Due) DueTick(TickStatus status)
    {
        var first = Utc(status.FirstTickTime);
        var at = Utc(status.CurrentTickTime);
        if (status.Period <= TimeSpan.Zero || at <= first)
        {
            return (first, 0, first);
        }

        var index = (at - first + (status.Period / 100)).Ticks / status.Period.Ticks;
        return (first, index, first + TimeSpan.FromTicks(index * status.Period.Ticks));
    }

    private static DateTimeOffset Utc(DateTime time) =>
        new(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc));

    [LoggerMessage(Level = LogLevel.Information, Message = "Project {ProjectId} skipped a scheduled run: {Reason}")]
    private static partial void LogInformationTickSkipped(ILogger logger, string projectId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Project {ProjectId} missed {Missed} tick(s) since {Since:u}; caught up with a run: {Ran}")]
    private static partial void LogInformationCatchUp(ILogger logger, string projectId, int missed, DateTimeOffset since, bool ran);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Project {ProjectId} ignored a repeated delivery of the tick due {Due:u}")]
    private static partial void LogDebugTickRepeated(ILogger logger, string projectId, DateTimeOffset due);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Project {ProjectId} got a tick of period {Period} while its schedule is every {Every}; re-registering the reminder")]
    private static partial void LogWarningStaleReminder(ILogger logger, string projectId, TimeSpan period, TimeSpan every);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Project {ProjectId} could not act on a schedule tick; the next tick tries again")]
    private static partial void LogWarningTickFailed(ILogger logger, Exception error, string projectId);
}
