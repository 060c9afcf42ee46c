namespace OrleansSync.Projects;

/// <summary>A project's schedule (<c>--every</c>) as <c>project show</c> gives it.</summary>
/// <param name="Every">The period.</param>
/// <param name="Jitter">This project's offset into its period (under 10% of it), drawn when the schedule was set.</param>
/// <param name="NextTickAt">When the next tick is due.</param>
/// <param name="LastTickAt">When the last tick acted on (a run, a skip or a catch-up) was due.</param>
/// <param name="LastCatchUp">The last time missed ticks were caught up.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.Projects.ScheduleView")]
public sealed record class ScheduleView(
    [property: Id(0)] TimeSpan Every,
    [property: Id(1)] TimeSpan Jitter,
    [property: Id(2)] DateTimeOffset NextTickAt,
    [property: Id(3)] DateTimeOffset? LastTickAt,
    [property: Id(4)] CatchUp? LastCatchUp);
