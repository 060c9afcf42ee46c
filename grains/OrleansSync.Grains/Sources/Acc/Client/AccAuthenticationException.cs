namespace OrleansSync.Sources.Acc.Client;

/// <summary>The token endpoint refused the client credentials of a connection.</summary>
public sealed class AccAuthenticationException : AccException
{
    public AccAuthenticationException(string clientId, Uri baseUrl, string? error, string? errorDescription)
        : base(
            $"ACC at {baseUrl} refused the credentials of client id '{clientId}' ({error ?? "no error code"}: {errorDescription ?? "no description"}). " +
            "Check the client id and the client secret variable of this project (--client-id, --client-secret-env): " +
            "the secret must belong to that client id and the application must have access to the API.")
    {
        ClientId = clientId;
        BaseUrl = baseUrl;
        Error = error;
    }

    public string ClientId { get; }

    public Uri BaseUrl { get; }

    /// <summary>The OAuth error, typically <c>invalid_client</c>.</summary>
    public string? Error { get; }

    // Retrying cannot fix a wrong secret; a person must.
    public override bool IsTransient => false;
}
