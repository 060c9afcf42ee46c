using System.Security.Cryptography;
using System.Text;
using OrleansSync.Pipeline;

namespace OrleansSync.Mirror;

/// <summary>A record that could not be mirrored, bound for <c>sync.dead_letters</c>.</summary>
/// <param name="RecordKey">The record's identity when it has a usable one.</param>
/// <param name="Raw">The record's text exactly as received.</param>
/// <param name="Reason">Which fields were wrong and how.</param>
internal sealed record class DeadLetter(string? RecordKey, string Raw, string Reason)
{
    /// <summary>The identity as stored: an id may hold anything, NUL included.</summary>
    public string? RecordKey { get; } = StorableText.CleanOrNull(RecordKey, 500);

    /// <summary>The reason as stored: it may quote upstream text, which PostgreSQL must be able to hold.</summary>
    public string Reason { get; } = StorableText.Clean(Reason);

    /// <summary>The same bad record seen again is the same dead letter: the digest is its identity.</summary>
    public string RawSha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Raw)));
}
