namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// One answer's body was malformed. Only the malformed-response pipeline sees this type: it sends the request again,
/// and raises <see cref="AccMalformedResponseException"/> when it gives up. A separate type keeps the retries of an
/// outer call (a page) from repeating those an inner call (its token) already made.
/// </summary>
internal sealed class AccBodyException(string endpoint, string reason, Exception? innerException = null)
    : Exception($"ACC {endpoint}: {reason}", innerException)
{
    public string Endpoint { get; } = endpoint;

    public string Reason { get; } = reason;
}
