using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Registry;

namespace OrleansSync.Acc;

/// <summary>
/// 2-legged tokens shared by every task of a silo: one token call per credential and lifetime however many
/// callers ask at once, renewed ahead of expiry, and renewed once more when upstream rejects it early. Callers wait
/// for the call in flight, each with its own token: one that gives up never cancels the call for the others.
/// </summary>
public sealed class AccTokenCache(
    IHttpClientFactory httpClientFactory,
    TimeProvider timeProvider,
    ResiliencePipelineProvider<string> pipelines,
    IOptionsMonitor<AccSourceOptions> options,
    ILogger<AccTokenCache> logger)
{
    /// <summary>The named HttpClient (with the ACC resilience pipeline) the token calls go through.</summary>
    public const string HttpClientName = "OrleansSync.Acc.Token";

    // Keys hold a keyed hash of the secret, never the secret: a wrong secret for a known client id must not be
    // handed the token another project's right secret obtained. The key is per process, so the hash means nothing elsewhere.
    private static readonly byte[] SecretHashKey = RandomNumberGenerator.GetBytes(32);

    private readonly ConcurrentDictionary<CacheKey, Entry> _entries = new();

    /// <summary>A token for <paramref name="connection"/>, from the cache while it is fresh.</summary>
    /// <exception cref="AccAuthenticationException">The client id or secret is wrong.</exception>
    public ValueTask<AccToken> GetTokenAsync(AccConnection connection, CancellationToken cancellationToken = default) =>
        GetTokenAsync(connection, counter: null, cancellationToken);

    /// <summary>Drops <paramref name="token"/> (after a 401) so the next caller gets a new one; a no-op if already replaced.</summary>
    public void Invalidate(AccConnection connection, AccToken token)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(token);
        if (_entries.TryGetValue(CacheKey.For(connection), out var entry))
        {
            entry.Clear(token);
        }
    }

    internal async ValueTask<AccToken> GetTokenAsync(AccConnection connection, AccCallCounter? counter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var entry = _entries.GetOrAdd(CacheKey.For(connection), static _ => new Entry());
        if (Fresh(entry.Token) is { } cached)
        {
            return cached;
        }

        TaskCompletionSource<AccToken>? started = null;
        Task<AccToken> call;
        lock (entry.Sync)
        {
            // A call that just ended has most likely renewed it.
            if (Fresh(entry.Token) is { } renewed)
            {
                return renewed;
            }

            if (entry.Call is { IsCompleted: false } running)
            {
                call = running;
            }
            else
            {
                started = new TaskCompletionSource<AccToken>(TaskCreationOptions.RunContinuationsAsynchronously);
                entry.Call = call = started.Task;
            }
        }

        if (started is not null)
        {
            // The call belongs to no caller: it runs on the thread pool, outside any grain's scheduler, with no
            // caller's token, and ends within the HTTP and body bounds whoever is still waiting for it.
            _ = Task.Run(() => RenewAsync(entry, started, connection, counter), CancellationToken.None);
        }

        // A caller whose token fires leaves at once; the others keep waiting for the same call.
        return await call.WaitAsync(cancellationToken);
    }

    private async Task RenewAsync(Entry entry, TaskCompletionSource<AccToken> call, AccConnection connection, AccCallCounter? counter)
    {
        try
        {
            var token = await RequestAsync(connection, counter, CancellationToken.None);
            entry.Set(token);
            call.SetResult(token);
        }
        catch (Exception e)
        {
            call.SetException(e);

            // Every caller may have left already; reading the failure keeps it from being reported as unobserved.
            _ = call.Task.Exception;
        }
    }

    private async Task<AccToken> RequestAsync(AccConnection connection, AccCallCounter? counter, CancellationToken cancellationToken)
    {
        var http = httpClientFactory.CreateClient(HttpClientName);
        var limits = AccBodyLimits.From(options.CurrentValue, timeProvider);
        return await AccMalformedRetry.ExecuteAsync(
            pipelines.GetPipeline(AccMalformedRetry.PipelineName),
            static (call, token) => call.Cache.RequestOnceAsync(call.Http, call.Connection, call.Counter, call.Limits, token),
            (Cache: this, Http: http, Connection: connection, Counter: counter, Limits: limits),
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

    private AccToken? Fresh(AccToken? token) => token is not null && timeProvider.GetUtcNow() < token.RefreshAt ? token : null;

    private readonly record struct CacheKey(string BaseUrl, string ClientId, string SecretHash)
    {
        public static CacheKey For(AccConnection connection) => new(
            connection.BaseUrl.AbsoluteUri.TrimEnd('/'),
            connection.ClientId,
            Convert.ToHexString(HMACSHA256.HashData(SecretHashKey, Encoding.UTF8.GetBytes(connection.ClientSecret))));
    }

    private sealed class Entry
    {
        private AccToken? _token;

        /// <summary>Guards <see cref="Call"/>: who finds no call in flight starts the next one.</summary>
        public Lock Sync { get; } = new();

        /// <summary>The token call in flight, or the last one; shared by every caller that asked meanwhile.</summary>
        public Task<AccToken>? Call { get; set; }

        public AccToken? Token => Volatile.Read(ref _token);

        public void Set(AccToken token) => Volatile.Write(ref _token, token);

        public void Clear(AccToken token) => Interlocked.CompareExchange(ref _token, null, token);
    }
}
