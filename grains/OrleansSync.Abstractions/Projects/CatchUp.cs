namespace OrleansSync.Projects;

/// <summary>
/// Schedule ticks that fell due while no silo could act on them (the cluster was down), noticed by the first tick
/// after: it runs once in their place (trigger <c>catch-up</c>) instead of once per missed tick.
/// </summary>
/// <param name="At">When the catching-up tick acted.</param>
/// <param name="MissedTicks">How many due ticks had no run and no skip recorded.</param>
/// <param name="Since">The last tick acted on before the gap.</param>
/// <param name="RunId">The catch-up run; null when the tick was skipped (a run in progress, paused, breaker open).</param>
/// <param name="Reason">What <c>sync.runs</c> records for it.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.Projects.CatchUp")]
public sealed record class CatchUp(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int MissedTicks,
    [property: Id(2)] DateTimeOffset Since,
    [property: Id(3)] string? RunId,
    [property: Id(4)] string Reason);
