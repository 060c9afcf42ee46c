using Microsoft.Extensions.Logging;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// A silo's issuer: the credential's <see cref="IAccTokenGrain"/> hands out the cluster's current token, or the turn
/// to fetch the next one here with <see cref="AccDirectTokenIssuer"/> (the secret stays in this silo). When the grain
/// cannot be reached, the token is fetched here anyway: a call too many beats a task that cannot start.
/// </summary>
internal sealed class AccClusterTokenIssuer(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    AccDirectTokenIssuer direct,
    ILogger<AccClusterTokenIssuer> logger) : IAccTokenIssuer
{
    // Below Orleans' 30 s response timeout: a wait that ends without a token just asks again.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public async Task<AccToken> IssueAsync(AccConnection connection, AccToken? rejected, AccCallCounter? counter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var grain = grains.GetGrain<IAccTokenGrain>(AccTokenKey.For(connection));
        while (true)
        {
            AccTokenGrant grant;
            try
            {
                grant = await grain.AcquireAsync(silo.SiloAddress, rejected, Wait, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarningTokenGrainUnreachable(connection.ClientId, Origin(connection), e.GetType().Name);
                var token = await direct.IssueAsync(connection, rejected, counter, cancellationToken);
                await TellAsync(connection, grain.PublishAsync(Guid.Empty, token, CancellationToken.None));
                return token;
            }

            // Told once: a later ask would drop a token fetched since.
            rejected = null;
            if (grant.Token is { } current)
            {
                return current;
            }

            if (grant.Lease is { } lease)
            {
                return await FetchAsync(grain, lease, connection, counter, cancellationToken);
            }
        }
    }

    private async Task<AccToken> FetchAsync(IAccTokenGrain grain, Guid lease, AccConnection connection, AccCallCounter? counter, CancellationToken cancellationToken)
    {
        AccToken token;
        try
        {
            token = await direct.IssueAsync(connection, null, counter, cancellationToken);
        }
        catch
        {
            // Wrong secret, outage: the failure is this silo's to report; the next asker takes its own turn.
            await TellAsync(connection, grain.ReleaseAsync(lease, CancellationToken.None));
            throw;
        }

        if (!await TellAsync(connection, grain.PublishAsync(lease, token, CancellationToken.None)))
        {
            // The turn must not outlive a publish that failed: the others would wait for a token that never comes.
            await TellAsync(connection, grain.ReleaseAsync(lease, CancellationToken.None));
        }

        return token;
    }

    // Best effort: unreported, the lease ends when this silo asks again, leaves the cluster, or runs out (one attempt timeout).
    private async Task<bool> TellAsync(AccConnection connection, Task call)
    {
        try
        {
            await call;
            return true;
        }
        catch (Exception e)
        {
            logger.LogWarningTokenGrainNotTold(connection.ClientId, Origin(connection), e.GetType().Name);
            return false;
        }
    }

    private static string Origin(AccConnection connection) => connection.BaseUrl.GetLeftPart(UriPartial.Authority);
}
