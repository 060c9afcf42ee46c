
namespace OrleansSync.Sources.Acc.Client;

/// <summary>Any failure of the ACC connector that it could name; messages never carry secrets or tokens.</summary>
public abstract class AccException : SourceException
{
    protected AccException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Whether trying the same call later may succeed (upstream down or throttled), as opposed to a request upstream
    /// refuses. The one classification of the connector's failures: transient are 5xx, 408, 429, no answer at all and
    /// malformed answers (<see cref="AccMalformedResponseException"/>); permanent are 400, 401 (after one renewed
    /// token), 403, 404, refused credentials (<see cref="AccAuthenticationException"/>), a link off the connection's
    /// origin (<see cref="AccUntrustedUrlException"/>) and pagination that loops (<see cref="AccPaginationException"/>).
    /// </summary>
    public abstract override bool IsTransient { get; }

    /// <summary>Whether <paramref name="exception"/> is upstream's flow control (429) rather than a failure; see <see cref="AccApiException.IsThrottled"/>.</summary>
    public static bool IsThrottle(Exception? exception) => exception is AccApiException { IsThrottled: true };

    public override bool IsFlowControl => IsThrottle(this);
}
