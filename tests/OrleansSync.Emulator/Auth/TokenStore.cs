using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace OrleansSync.Emulator.Auth;

/// <summary>Issued tokens. Opaque random strings: clients must not read meaning into them.</summary>
internal sealed class TokenStore(TimeProvider time)
{
    private const int PruneEvery = 1024;

    // Expired tokens are kept a while so they answer "expired" rather than "invalid".
    private static readonly TimeSpan KeepExpired = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private int _issued;

    public IssuedToken Issue(string clientId, IReadOnlySet<string> scopes, int ttlSeconds)
    {
        var token = new IssuedToken(
            Base64UrlToken(),
            clientId,
            scopes,
            time.GetUtcNow().AddSeconds(ttlSeconds));
        _tokens[token.AccessToken] = token;
        if (Interlocked.Increment(ref _issued) % PruneEvery == 0)
        {
            Prune();
        }

        return token;
    }

    public TokenStatus Check(string accessToken, out IssuedToken? token)
    {
        if (!_tokens.TryGetValue(accessToken, out token))
        {
            return TokenStatus.Unknown;
        }

        return time.GetUtcNow() >= token.ExpiresAt ? TokenStatus.Expired : TokenStatus.Valid;
    }

    private void Prune()
    {
        var cutoff = time.GetUtcNow() - KeepExpired;
        foreach (var (key, token) in _tokens)
        {
            if (token.ExpiresAt < cutoff)
            {
                _tokens.TryRemove(key, out _);
            }
        }
    }

    private static string Base64UrlToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

internal enum TokenStatus
{
    Valid,
    Unknown,
    Expired,
}
