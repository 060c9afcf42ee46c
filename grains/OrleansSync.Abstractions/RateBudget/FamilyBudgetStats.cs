namespace OrleansSync.RateBudget;

/// <param name="Family"><c>reviews</c>, <c>admin</c> or <c>token</c>.</param>
/// <param name="Limit">Calls upstream allows per <paramref name="WindowSeconds"/>.</param>
/// <param name="WindowSeconds">The limit's window.</param>
/// <param name="CallsPerSecond">The pace slots are granted at now: the limit with its headroom, less after 429s.</param>
/// <param name="Granted">Slots granted since the grain activated.</param>
/// <param name="InUse">Slots given to silos and not yet due.</param>
/// <param name="Waiting">Callers the silos last reported waiting, cluster-wide.</param>
/// <param name="Projects">Projects with callers waiting: each gets an equal share of the slots.</param>
/// <param name="Throttled">429s the silos reported.</param>
/// <param name="Shrinks">Times a 429 slowed the pace down.</param>
/// <param name="PausedUntil">End of the pause the last 429 asked for, if it is still ahead.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.RateBudget.FamilyBudgetStats")]
public sealed record class FamilyBudgetStats(
    [property: Id(0)] string Family,
    [property: Id(1)] int Limit,
    [property: Id(2)] double WindowSeconds,
    [property: Id(3)] double CallsPerSecond,
    [property: Id(4)] long Granted,
    [property: Id(5)] int InUse,
    [property: Id(6)] int Waiting,
    [property: Id(7)] int Projects,
    [property: Id(8)] long Throttled,
    [property: Id(9)] long Shrinks,
    [property: Id(10)] DateTimeOffset? PausedUntil);
