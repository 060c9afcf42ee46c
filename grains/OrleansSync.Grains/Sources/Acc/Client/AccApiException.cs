using System.Net;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>An ACC call that did not succeed, after the retries that apply to it.</summary>
public sealed class AccApiException : AccException
{
    public AccApiException(HttpStatusCode? statusCode, string endpoint, string? errorCode, string? developerMessage, Exception? innerException = null)
        : base(Describe(statusCode, endpoint, errorCode, developerMessage, innerException), innerException)
    {
        StatusCode = statusCode;
        Endpoint = endpoint;
        ErrorCode = errorCode;
        DeveloperMessage = developerMessage;
    }

    /// <summary>Upstream's status; null when no answer came (network error or timeout).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Method and path of the call, without its query.</summary>
    public string Endpoint { get; }

    /// <summary>Upstream's <c>errorCode</c> (or OAuth <c>error</c>), when it sent one.</summary>
    public string? ErrorCode { get; }

    /// <summary>Upstream's <c>developerMessage</c> (or OAuth <c>error_description</c>), when it sent one.</summary>
    public string? DeveloperMessage { get; }

    // The same answers the retry pipeline treats as temporary; no answer at all is temporary too.
    public override bool IsTransient => StatusCode is not { } status || AccResilience.IsTransient(status);

    /// <summary>
    /// Upstream's flow control (429, quota exceeded), still there after the Retry-After waits: the call may go on
    /// later, and is not a failure of the task that made it.
    /// </summary>
    public bool IsThrottled => StatusCode == HttpStatusCode.TooManyRequests;

    private static string Describe(HttpStatusCode? status, string endpoint, string? errorCode, string? message, Exception? inner)
    {
        var what = status is { } answered ? $"answered {(int)answered} {answered}" : $"did not answer ({inner?.GetType().Name ?? "no response"}: {inner?.Message})";
        var code = errorCode is null ? string.Empty : $" [{errorCode}]";
        var detail = message is null ? string.Empty : $": {message}";
        return $"ACC {endpoint} {what}{code}{detail}";
    }
}
