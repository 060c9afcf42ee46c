namespace OrleansSync.RateBudget;

/// <param name="Silo">The asking silo's name: its slots are held for it until it asks again.</param>
/// <param name="Family"><c>reviews</c>, <c>admin</c> or <c>token</c>.</param>
/// <param name="Waiting">How many callers of each project wait for a slot on that silo now.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.RateBudget.RateLeaseRequest")]
public sealed record class RateLeaseRequest(
    [property: Id(0)] string Silo,
    [property: Id(1)] string Family,
    [property: Id(2)] IReadOnlyList<ProjectDemand> Waiting);
