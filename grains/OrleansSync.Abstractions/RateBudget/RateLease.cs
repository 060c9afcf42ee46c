namespace OrleansSync.RateBudget;

/// <param name="Slots">Slots for the asking silo's projects, earliest first.</param>
/// <param name="AskAgainIn">When asking again may bring more slots.</param>
/// <param name="PausedFor">How long the family stays paused after a 429 (zero when it is not).</param>
/// <param name="CallsPerSecond">The family's current pace, cluster-wide.</param>
/// <param name="IssuedAt">The grain's clock when it answered (UTC ticks): slots are due at it plus their DueIn.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.RateBudget.RateLease")]
public sealed record class RateLease(
    [property: Id(0)] IReadOnlyList<LeasedSlot> Slots,
    [property: Id(1)] TimeSpan AskAgainIn,
    [property: Id(2)] TimeSpan PausedFor,
    [property: Id(3)] double CallsPerSecond,
    [property: Id(4)] long IssuedAt);
