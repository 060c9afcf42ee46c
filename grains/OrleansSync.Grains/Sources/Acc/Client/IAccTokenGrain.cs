using OrleansSync.Security;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// The cluster's current token of one credential (key: <see cref="AccTokenKey.For"/>), so that the cluster asks
/// upstream once per lifetime, not once per silo. It never sees the secret and never calls upstream: it hands the
/// next token call to one silo at a time (a lease), which makes it with its own copy of the secret and publishes the
/// token. Soft state, in memory only: after a move, the next asker fetches one.
/// </summary>
[Alias("OrleansSync.Acc.IAccTokenGrain")]
public interface IAccTokenGrain : IGrainWithStringKey
{
    /// <summary>
    /// The current token if fresh; else the lease, when no other silo holds it; else waits up to
    /// <paramref name="wait"/> (at most 20 s, within Orleans' response timeout) for the holder to end its turn.
    /// <paramref name="asker"/> is the calling silo (its lease ends early if it leaves the cluster, and after one attempt
    /// timeout in any case);
    /// <paramref name="rejected"/> a token upstream refused (401), forgotten if it is still the current one.
    /// </summary>
    [Alias("Acquire"), SiloOnly]
    Task<AccTokenGrant> AcquireAsync(SiloAddress asker, AccToken? rejected, TimeSpan wait, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends <paramref name="lease"/> with the <paramref name="token"/> it fetched; kept unless the current one lives
    /// longer. A token refused as bad input ends the lease all the same.
    /// </summary>
    [Alias("Publish"), SiloOnly]
    Task PublishAsync(Guid lease, AccToken token, CancellationToken cancellationToken = default);

    /// <summary>Ends <paramref name="lease"/> without a token (the call failed): the next asker takes its turn.</summary>
    [Alias("Release"), SiloOnly]
    Task ReleaseAsync(Guid lease, CancellationToken cancellationToken = default);
}
