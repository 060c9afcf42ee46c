namespace OrleansSync.Sources.Acc.Client;

/// <summary>A page link outside the connection's origin: following it would send the bearer token to another server.</summary>
public sealed class AccUntrustedUrlException : AccException
{
    public AccUntrustedUrlException(Uri url, Uri baseUrl)
        : base(
            $"Refused to call {url.GetLeftPart(UriPartial.Authority)}: it is not the origin of the connection's base URL " +
            $"{baseUrl.GetLeftPart(UriPartial.Authority)}, and the bearer token is only ever sent there.")
    {
        Origin = url.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>Scheme, host and port of the refused link.</summary>
    public string Origin { get; }

    public override bool IsTransient => false;
}
