using System.Text;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// A 2-legged access token as <see cref="AccTokenCache"/> holds it, and as a silo hands it to the credential's
/// <see cref="IAccTokenGrain"/> (in memory there, never in grain state).
/// </summary>
/// <param name="AccessToken">The bearer token. Never printed: <see cref="ToString"/> leaves it out.</param>
/// <param name="ExpiresAt">When upstream stops accepting it (measured from just before it was asked for).</param>
/// <param name="RefreshAt">From when the cache asks for a new one instead of handing this one out.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.Acc.AccToken")]
public sealed record class AccToken(
    [property: Id(0)] string AccessToken,
    [property: Id(1)] DateTimeOffset ExpiresAt,
    [property: Id(2)] DateTimeOffset RefreshAt)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("AccessToken = ***, ExpiresAt = ").Append(ExpiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture))
            .Append(", RefreshAt = ").Append(RefreshAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        return true;
    }
}
