namespace OrleansSync.Projects;

/// <summary>
/// A project's schedule as its grain tracks it beside the <c>schedule</c> reminder. The reminder row (in PostgreSQL)
/// keeps the phase — its first tick and period — across silo losses and full restarts; this keeps which tick was last
/// acted on, so that the first tick after an outage knows how many fell due unseen.
/// </summary>
[GenerateSerializer, Alias("OrleansSync.Projects.ScheduleState")]
public sealed class ScheduleState
{
    [Id(0)]
    public TimeSpan Every { get; set; }

    /// <summary>The jitter: this project's offset into its period, drawn once when the schedule is set.</summary>
    [Id(1)]
    public TimeSpan Offset { get; set; }

    /// <summary>The reminder's first tick; ticks are due at this plus whole periods.</summary>
    [Id(2)]
    public DateTimeOffset FirstTickAt { get; set; }

    /// <summary>When the last tick acted on was due (the run at once when the schedule was set counts as a tick).</summary>
    [Id(3)]
    public DateTimeOffset? LastTickAt { get; set; }

    [Id(4)]
    public CatchUp? LastCatchUp { get; set; }

    /// <summary>The first tick due at or after <paramref name="now"/>.</summary>
    public DateTimeOffset NextTickAt(DateTimeOffset now)
    {
        if (now <= FirstTickAt || Every <= TimeSpan.Zero)
        {
            return FirstTickAt;
        }

        var periods = ((now - FirstTickAt).Ticks + Every.Ticks - 1) / Every.Ticks;
        return FirstTickAt + TimeSpan.FromTicks(periods * Every.Ticks);
    }

    public ScheduleView ToView(DateTimeOffset now) => new(Every, Offset, NextTickAt(now), LastTickAt, LastCatchUp);
}
