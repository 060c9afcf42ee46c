using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSync.Pipeline;
using OrleansSync.RateBudget;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// Waits for a call permit before each attempt, and reports each 429 to the budget. Registered after the call counter
/// and before the latency handler: every retry takes its own permit, and no wait counts as upstream latency, nor
/// against the attempt's or the call's timeout; only the run's cancellation ends it.
/// Requests that carry no <see cref="AccCallTicket"/> go at once. Every request is sent under the pipeline's timeouts
/// from here (<see cref="AccTimeout.Bound"/>).
/// </summary>
internal sealed class AccCallPermitHandler(
    ICallPermits permits,
    TimeProvider time,
    IOptionsMonitor<RetryAfterOptions> retryAfter,
    ILogger<AccCallPermitHandler> logger) : DelegatingHandler
{
    // ACC always says how long; without it, one second is the shortest wait worth making.
    private static readonly TimeSpan UnsaidPause = TimeSpan.FromSeconds(1);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var ticket = AccCallTicket.Of(request);
        var url = request.RequestUri;
        var family = url is null ? string.Empty : AccEndpointNames.FamilyOf(url);
        if (ticket is not null && url is not null)
        {
            // Waiting for one's turn is neither upstream's time nor a failure: the timeouts stop, and the run hears of it.
            using var timeoutsStopped = AccTimeout.PauseAll(request);
            using var waiting = RunWaits.Current?.BeginBudget();
            await permits.AcquireAsync(ticket.ClientId, url, family, AccEndpointNames.ProjectOf(url), cancellationToken);
        }

        using var underTimeouts = AccTimeout.Bound(request, cancellationToken);
        var response = await base.SendAsync(request, underTimeouts.Token);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var maxPause = retryAfter.CurrentValue.MaxPause;
            var said = AccRetryAfter.Of(response, time, maxPause);
            if (said is { Bounded: true } bounded)
            {
                logger.LogWarningRetryAfterBounded(AccEndpoints.Describe(request), bounded.Asked.TotalSeconds, maxPause.TotalSeconds);
            }

            if (ticket is not null && url is not null)
            {
                permits.Throttled(ticket.ClientId, url, family, said?.Wait ?? UnsaidPause);
            }
        }

        return response;
    }
}

/// <summary>Whose budget a request spends: the client id, which the request itself does not show.</summary>
internal sealed record class AccCallTicket(string ClientId)
{
    private static readonly HttpRequestOptionsKey<AccCallTicket> Key = new("OrleansSync.Acc.CallTicket");

    public static void Attach(HttpRequestMessage request, AccConnection connection) => request.Options.Set(Key, new AccCallTicket(connection.ClientId));

    public static AccCallTicket? Of(HttpRequestMessage request) => request.Options.TryGetValue(Key, out var ticket) ? ticket : null;
}
