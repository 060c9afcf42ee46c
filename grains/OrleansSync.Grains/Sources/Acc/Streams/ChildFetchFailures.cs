using System.Net;
using OrleansSync.Sources.Acc.Client;

namespace OrleansSync.Sources.Acc.Streams;

/// <summary>
/// Tells one broken review from a broken upstream while a children task walks its reviews. A failure that belongs to
/// one review (its endpoint answers an error status, garbage, or nothing, after the client's retries) dead-letters
/// that review and the walk goes on; only when failures pile up across the last reviews landed
/// (<see cref="StreamOptions.ChildFailureMinimum"/> of them, and <see cref="StreamOptions.ChildFailureShare"/> of the
/// last <see cref="StreamOptions.ChildFailureWindow"/>) does the task fail, and so count toward its breaker.
/// </summary>
internal sealed class ChildFetchFailures(StreamOptions options)
{
    private readonly Queue<bool> _recent = new();
    private int _failures;

    /// <summary>
    /// Whether <paramref name="failure"/> is this one review's: anything upstream answered or failed to answer for it,
    /// but not a refused token (401) or flow control (429), which are the whole credential's, nor a link off origin.
    /// </summary>
    public static bool IsOneReviews(AccException failure) => failure switch
    {
        AccApiException api => api.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests),
        AccMalformedResponseException or AccPaginationException => true,
        _ => false,
    };

    /// <summary>Whether the failure says upstream is struggling (5xx, no answer, garbage): the fetch window shrinks.</summary>
    public static bool IsUpstreamTrouble(AccException failure) =>
        failure is AccMalformedResponseException or AccApiException { StatusCode: null or >= HttpStatusCode.InternalServerError };

    /// <summary>The endpoint and the reason a dead letter gives for <paramref name="failure"/>.</summary>
    public static (string Endpoint, string Reason) Describe(AccException failure) => failure switch
    {
        AccApiException api => (api.Endpoint, api.Message),
        AccMalformedResponseException malformed => (malformed.Endpoint, malformed.Message),
        AccPaginationException pagination => (pagination.Endpoint, pagination.Message),
        _ => ("", failure.Message),
    };

    /// <summary>Counts the next review landed, in walk order; true when failures now count against the task.</summary>
    public bool Record(bool failed)
    {
        _recent.Enqueue(failed);
        _failures += failed ? 1 : 0;
        if (_recent.Count > options.ChildFailureWindow && _recent.Dequeue())
        {
            _failures--;
        }

        return failed && _failures >= options.ChildFailureMinimum && _failures >= options.ChildFailureShare * _recent.Count;
    }

    /// <summary>The error that fails the task: it names the pile-up, and carries the last review's failure (which classifies it).</summary>
    public Exception Overwhelmed(string stream, AccException last) => new ChildFetchesFailingException(
        $"{stream}: {_failures} of the last {_recent.Count} reviews could not be read, so upstream itself looks broken (the last: {last.Message})",
        last);
}

/// <summary>Too many reviews' children failed: the task fails (and its breaker counts), classified by the last failure.</summary>
public sealed class ChildFetchesFailingException(string message, AccException last) : Exception(message, last);
