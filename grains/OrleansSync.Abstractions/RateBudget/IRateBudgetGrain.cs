using OrleansSync.Security;

namespace OrleansSync.RateBudget;

/// <summary>
/// The call budget of one credential (upstream host + client id) for the whole cluster: one call timeline per API
/// family (<c>reviews</c>, <c>admin</c>, <c>token</c>), each paced under upstream's limit. Silos lease upcoming call
/// slots in small batches for the projects waiting on them, each project an equal share; a 429 pauses and shrinks
/// the family's budget for everyone.
/// Key: <c>{clientId}@{host:port}</c>, never a secret.
/// </summary>
[Alias("OrleansSync.RateBudget.IRateBudgetGrain")]
public interface IRateBudgetGrain : IGrainWithStringKey
{
    /// <summary>
    /// Reports what a silo's callers wait for now (its previous report is replaced) and gives it the slots its
    /// projects' shares allow: each a time from now at which one call may be sent.
    /// </summary>
    [Alias("Lease"), SiloOnly]
    Task<RateLease> LeaseAsync(RateLeaseRequest request, CancellationToken cancellationToken = default);

    /// <summary>Upstream answered 429: pause the family until its Retry-After has passed, and call slower for a while.</summary>
    [Alias("Throttled"), SiloOnly]
    Task ThrottledAsync(string family, TimeSpan retryAfter, CancellationToken cancellationToken = default);

    /// <summary>Limits, current rate, slots granted and outstanding, waiting callers and 429s, per family.</summary>
    [Alias("GetStats")]
    Task<RateBudgetStats> GetStatsAsync(CancellationToken cancellationToken = default);
}
