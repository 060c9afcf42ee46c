using OrleansSync.Resilience;

namespace OrleansSync.Projects;

/// <summary>A project as the CLI and the HTTP API show it. Holds no secret: only the variable's name.</summary>
/// <param name="Spec">Its settings.</param>
/// <param name="Paused">A paused project starts no run.</param>
/// <param name="CreatedAt">When it was added.</param>
/// <param name="CurrentRun">The run in progress.</param>
/// <param name="LastRun">The last run that ended.</param>
/// <param name="Breaker">Its circuit breaker, fed by failed runs.</param>
/// <param name="LastSkip">The last run that did not start (a scheduled tick skipped), and why.</param>
/// <param name="Schedule">Its schedule, when it has one: next tick, jitter, last catch-up.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.Projects.ProjectView")]
public sealed record class ProjectView(
    [property: Id(0)] ProjectSpec Spec,
    [property: Id(1)] bool Paused,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] RunView? CurrentRun,
    [property: Id(4)] RunView? LastRun,
    [property: Id(5)] BreakerView? Breaker = null,
    [property: Id(6)] SkippedRun? LastSkip = null,
    [property: Id(7)] ScheduleView? Schedule = null);
