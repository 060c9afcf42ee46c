namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// Upstream answered, but not with the document asked for: the body stalled, was cut short, was too large, was not
/// JSON, or was JSON of another shape. The request was sent again a few times (<see cref="AccSourceOptions.MalformedRetries"/>)
/// before this was raised.
/// </summary>
public sealed class AccMalformedResponseException : AccException
{
    public AccMalformedResponseException(string endpoint, string reason, int attempts = 1, Exception? innerException = null)
        : base(Describe(endpoint, reason, attempts), innerException)
    {
        Endpoint = endpoint;
        Reason = reason;
        Attempts = attempts;
    }

    /// <summary>Method and path of the call, without its query.</summary>
    public string Endpoint { get; }

    /// <summary>What was wrong with the last answer, e.g. "the body was cut short after 1,000 of 2,000 bytes".</summary>
    public string Reason { get; }

    /// <summary>Requests sent for this call, each answered malformed.</summary>
    public int Attempts { get; }

    // A proxy, a load balancer or a connection dropped one answer; the next one is usually whole.
    public override bool IsTransient => true;

    private static string Describe(string endpoint, string reason, int attempts) => attempts > 1
        ? $"ACC {endpoint} answered a malformed response {attempts} times; the last time {reason}."
        : $"ACC {endpoint} answered a malformed response: {reason}.";
}
