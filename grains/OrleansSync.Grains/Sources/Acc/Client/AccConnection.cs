using System.Text;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>Where and as whom the connector talks to one ACC-shaped upstream.</summary>
/// <param name="BaseUrl">Root of every API, e.g. <c>https://developer.api.autodesk.com/</c>; page links must stay on its origin.</param>
/// <param name="ClientId">The APS application's client id; tokens and quotas are per client id.</param>
/// <param name="ClientSecret">The client secret. Never printed: <see cref="ToString"/> leaves it out.</param>
/// <param name="UserId">Sent as <c>x-user-id</c> on Reviews API calls, which a 2-legged token requires.</param>
public sealed record class AccConnection(Uri BaseUrl, string ClientId, string ClientSecret, string? UserId = null) : ISourceConnection
{
    /// <summary>Holds nothing to release: the HTTP clients and tokens are the silo's, shared by every run.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // The compiler-generated record printer would list every property; this one leaves the secret out, so
    // logging or interpolating a connection (or a record holding one) can never leak it.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("BaseUrl = ").Append(BaseUrl)
            .Append(", ClientId = ").Append(ClientId)
            .Append(", UserId = ").Append(UserId)
            .Append(", ClientSecret = ***");
        return true;
    }
}
