using System.Text.Json;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>One page of an upstream list, its records exactly as received.</summary>
/// <param name="Records">The page's records; <see cref="JsonElement.GetRawText"/> is the text upstream sent.</param>
/// <param name="Offset">The offset this page starts at.</param>
/// <param name="TotalResults">Upstream's total for the whole list, when it says.</param>
/// <param name="NextUrl">The next page, absent on the last page.</param>
/// <param name="Calls">HTTP calls this page took, retries and token requests included.</param>
/// <param name="Throttled">How many of <paramref name="Calls"/> upstream answered 429 (the client waited as asked).</param>
/// <param name="UpstreamDate">The answer's HTTP <c>Date</c>: upstream's clock when it sent the page, when it says.</param>
/// <param name="UpstreamTime">
/// Time upstream took over <paramref name="TimedCalls"/> attempts, each timed innermost (no wait for a call permit, no
/// backoff, no Retry-After wait in it); 429 answers are left out.
/// </param>
/// <param name="TimedCalls">The attempts in <paramref name="UpstreamTime"/>.</param>
/// <param name="ServerErrors">Attempts answered 5xx or not answered (refused, reset), retried ones included.</param>
/// <param name="Timeouts">Attempts cut by their timeout, retried ones included.</param>
public sealed record class SourcePage(
    IReadOnlyList<JsonElement> Records,
    int Offset,
    int? TotalResults,
    Uri? NextUrl,
    int Calls,
    DateTimeOffset? UpstreamDate = null,
    int Throttled = 0,
    TimeSpan UpstreamTime = default,
    int TimedCalls = 0,
    int ServerErrors = 0,
    int Timeouts = 0);
