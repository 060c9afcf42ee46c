using OrleansSync.Security;

namespace OrleansSync.RateBudget;

/// <summary>The credentials that have a budget grain, so <c>cluster</c> can find them. One, key 0; in memory only: budgets register again as they work.</summary>
[Alias("OrleansSync.RateBudget.IRateBudgetRegistryGrain")]
public interface IRateBudgetRegistryGrain : IGrainWithIntegerKey
{
    [Alias("Register"), SiloOnly]
    Task RegisterAsync(string credential, CancellationToken cancellationToken = default);

    [Alias("List")]
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default);
}
