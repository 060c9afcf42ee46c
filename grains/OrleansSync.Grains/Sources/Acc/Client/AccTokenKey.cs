using System.Security.Cryptography;
using System.Text;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>The key of a credential's <see cref="IAccTokenGrain"/>.</summary>
public static class AccTokenKey
{
    /// <summary>
    /// <c>base URL|client id|fingerprint</c>: readable where grain ids show (dashboard, logs), and one grain per secret,
    /// so a wrong secret for a known client id meets its own grain and never the token the right one obtained. The
    /// fingerprint is HMAC-SHA256 keyed by the secret over base URL and client id, cut to 128 bits: the same on every
    /// silo, and it reveals nothing of the secret (finding the secret from it means guessing the secret).
    /// </summary>
    public static string For(AccConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var baseUrl = connection.BaseUrl.AbsoluteUri.TrimEnd('/');
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(connection.ClientSecret), Encoding.UTF8.GetBytes($"{baseUrl}\n{connection.ClientId}"));
        return $"{baseUrl}|{connection.ClientId}|{Convert.ToHexStringLower(mac.AsSpan(0, 16))}";
    }
}
