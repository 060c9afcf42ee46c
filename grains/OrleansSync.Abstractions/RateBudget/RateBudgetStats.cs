namespace OrleansSync.RateBudget;

/// <summary>One credential's budget, as <c>cluster --json</c> shows it.</summary>
/// <param name="Credential"><c>{clientId}@{host:port}</c>.</param>
/// <param name="Silo">The silo the budget's grain lives on.</param>
/// <param name="Families">One per API family the cluster has called.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.RateBudget.RateBudgetStats")]
public sealed record class RateBudgetStats(
    [property: Id(0)] string Credential,
    [property: Id(1)] string Silo,
    [property: Id(2)] IReadOnlyList<FamilyBudgetStats> Families);
