using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Registry;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// Asks the token endpoint itself, through the named client <see cref="AccTokenCache.HttpClientName"/> (its resilience
/// pipeline included) and the pipeline that asks again after a malformed answer. The only issuer that sees the secret.
/// </summary>
internal sealed class AccDirectTokenIssuer(
    IHttpClientFactory httpClientFactory,
    TimeProvider timeProvider,
    ResiliencePipelineProvider<string> pipelines,
    IOptionsMonitor<AccSourceOptions> options,
    ILogger<AccTokenCache> logger) : IAccTokenIssuer
{
    public async Task<AccToken> IssueAsync(AccConnection connection, AccToken? rejected, AccCallCounter? counter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var http = httpClientFactory.CreateClient(AccTokenCache.HttpClientName);
        var limits = AccBodyLimits.From(options.CurrentValue, timeProvider);
        return await AccMalformedRetry.ExecuteAsync(
            pipelines.GetPipeline(AccMalformedRetry.PipelineName),
            static (call, token) => call.Issuer.RequestOnceAsync(call.Http, call.Connection, call.Counter, call.Limits, token),
            (Issuer: this, Http: http, Connection: connection, Counter: counter, Limits: limits),
            cancellationToken);
    }

    private async Task<AccToken> RequestOnceAsync(
        HttpClient http,
        AccConnection connection,
        AccCallCounter? counter,
        AccBodyLimits limits,
        CancellationToken cancellationToken)
    {
        // Expiry counts from before the request, so it errs early: upstream's clock started later than ours.
        var requestedAt = timeProvider.GetUtcNow();
        var (accessToken, lifetime) = await AccTokenEndpoint.RequestAsync(http, connection, counter, limits, cancellationToken);
        logger.LogDebugTokenIssued(connection.ClientId, connection.BaseUrl.GetLeftPart(UriPartial.Authority), lifetime.TotalSeconds);
        var expiresAt = requestedAt + lifetime;
        return new AccToken(accessToken, expiresAt, expiresAt - RefreshAhead(lifetime));
    }

    private TimeSpan RefreshAhead(TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var settings = options.CurrentValue;
        var ahead = TimeSpan.FromTicks(Math.Max(settings.TokenRefreshAhead.Ticks, (long)(lifetime.Ticks * settings.TokenRefreshAheadShare)));

        // A token shorter-lived than the margin would otherwise be renewed on every call.
        return ahead < lifetime / 2 ? ahead : lifetime / 2;
    }
}
