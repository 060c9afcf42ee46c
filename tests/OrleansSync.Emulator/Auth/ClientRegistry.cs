using System.Security.Cryptography;
using System.Text;

namespace OrleansSync.Emulator.Auth;

/// <summary>The clients configured at start.</summary>
internal sealed class ClientRegistry(IEnumerable<EmulatorClient> clients)
{
    private readonly Dictionary<string, string> _secrets = clients
        .GroupBy(c => c.ClientId, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Last().ClientSecret, StringComparer.Ordinal);

    public bool Verify(string clientId, string? secret)
    {
        return secret is not null
            && _secrets.TryGetValue(clientId, out var expected)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(secret));
    }
}
