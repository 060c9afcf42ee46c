namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// Where <see cref="AccTokenCache"/> gets a token when its own copy is not fresh: straight from the token endpoint
/// (the default, <c>AddAccSource</c>), or from the credential's <see cref="IAccTokenGrain"/> shared by the whole
/// cluster (a silo, <c>AddSyncEngine</c>). The cache calls it once at a time per credential.
/// </summary>
public interface IAccTokenIssuer
{
    /// <summary>
    /// A token for <paramref name="connection"/> that is not <paramref name="rejected"/> (the token upstream refused
    /// with a 401 since the last issue, if any). Token requests this process sends are counted on
    /// <paramref name="counter"/>, the page that asked; a token another silo fetched (through the grain) cost this
    /// page no call, so it counts none.
    /// </summary>
    /// <exception cref="AccAuthenticationException">The client id or secret is wrong.</exception>
    Task<AccToken> IssueAsync(AccConnection connection, AccToken? rejected, AccCallCounter? counter, CancellationToken cancellationToken);
}
