using System.Net;

namespace OrleansSync.Acc;

/// <summary>
/// Waits for a call permit before each attempt, and reports each 429 to the budget. Registered after the call counter
/// and before the latency handler: every retry takes its own permit, and no wait counts as upstream latency.
/// Requests that carry no <see cref="AccCallTicket"/> go at once.
/// </summary>
internal sealed class AccCallPermitHandler(IAccCallPermits permits, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (AccCallTicket.Of(request) is not { } ticket || request.RequestUri is not { } url)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var family = AccEndpointNames.FamilyOf(url);
        await permits.AcquireAsync(ticket.ClientId, url, family, AccEndpointNames.ProjectOf(url), cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            // ACC always says how long; without it, one second is the shortest wait worth making.
            permits.Throttled(ticket.ClientId, url, family, AccRetryAfter.Of(response, time) ?? TimeSpan.FromSeconds(1));
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
