using System.Security.Cryptography;
using System.Text;

namespace OrleansSync.Silo.HttpAuth;

/// <summary>
/// The HTTP credential, kept only as SHA-256 hashes of what a request must present: <c>Bearer &lt;secret&gt;</c>, or
/// Basic's <c>user:secret</c>. Presented values are hashed too and compared with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, so neither the comparison's time nor the lengths compared
/// tell anything about the secret.
/// </summary>
internal sealed class HttpCredential(string user, string secret)
{
    private readonly byte[] _bearer = SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private readonly byte[] _basic = SHA256.HashData(Encoding.UTF8.GetBytes($"{user}:{secret}"));

    /// <summary>
    /// True when <paramref name="authorization"/> (the header's one value) carries the credential; with
    /// <paramref name="bearerOnly"/>, only as Bearer (a browser sends a saved Basic login by itself, even for a form
    /// another site posts, but never a Bearer header).
    /// </summary>
    public bool Accepts(string? authorization, bool bearerOnly = false)
    {
        var space = authorization?.IndexOf(' ', StringComparison.Ordinal) ?? -1;
        if (space <= 0)
        {
            return false;
        }

        var scheme = authorization.AsSpan(0, space);
        var value = authorization.AsSpan(space + 1).Trim();
        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return Matches(Encoding.UTF8.GetBytes(value.ToString()), _bearer);
        }

        if (!bearerOnly && scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            var decoded = new byte[value.Length];
            return Convert.TryFromBase64Chars(value, decoded, out var written) && Matches(decoded.AsSpan(0, written), _basic);
        }

        return false;
    }

    private static bool Matches(ReadOnlySpan<byte> presented, byte[] expected)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(presented, hash);
        return CryptographicOperations.FixedTimeEquals(hash, expected);
    }
}
