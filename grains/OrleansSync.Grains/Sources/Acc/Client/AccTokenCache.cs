using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// 2-legged tokens shared by every task of a process: one renewal per credential and lifetime however many callers
/// ask at once, ahead of expiry, and once more when upstream rejects it early. Callers wait for the renewal in
/// flight, each with its own token: one that gives up never cancels it for the others. Renewals go to the
/// <see cref="IAccTokenIssuer"/>: the token endpoint, or on a silo the credential's grain, which makes it one token
/// call per lifetime for the whole cluster.
/// </summary>
public sealed class AccTokenCache(IAccTokenIssuer issuer, TimeProvider timeProvider)
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
            var token = await issuer.IssueAsync(connection, entry.TakeRejected(), counter, CancellationToken.None);
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

        // The token upstream refused last, until a renewal tells the issuer.
        private AccToken? _rejected;

        /// <summary>Guards <see cref="Call"/>: who finds no call in flight starts the next one.</summary>
        public Lock Sync { get; } = new();

        /// <summary>The token call in flight, or the last one; shared by every caller that asked meanwhile.</summary>
        public Task<AccToken>? Call { get; set; }

        public AccToken? Token => Volatile.Read(ref _token);

        public void Set(AccToken token) => Volatile.Write(ref _token, token);

        public void Clear(AccToken token)
        {
            // Noted before it is cleared, so the renewal it causes sees it; a stale note only tells the issuer
            // again about a token upstream did refuse.
            if (ReferenceEquals(Volatile.Read(ref _token), token))
            {
                Volatile.Write(ref _rejected, token);
                Interlocked.CompareExchange(ref _token, null, token);
            }
        }

        public AccToken? TakeRejected() => Interlocked.Exchange(ref _rejected, null);
    }
}
