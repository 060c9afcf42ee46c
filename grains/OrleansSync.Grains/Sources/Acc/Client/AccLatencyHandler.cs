using System.Diagnostics;
using System.Net;
using OrleansSync.Diagnostics;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// Times each attempt to upstream into <see cref="UpstreamLatency"/>. Registered last, innermost in the handler chain:
/// inside the resilience handler, so every retry is one sample and no backoff wait is in any.
/// </summary>
internal sealed class AccLatencyHandler(UpstreamLatency latency) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var endpoint = AccEndpointNames.Of(request.RequestUri);
        var start = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (Exception e)
        {
            // No answer: refused, reset, or cut by the attempt's timeout, which is the slowest sample of all.
            var failedAfter = Stopwatch.GetElapsedTime(start);
            latency.Record(endpoint, "error", failedAfter);
            AccCallCounter.Of(request)?.Unanswered(e is OperationCanceledException, failedAfter);
            throw;
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        latency.Record(endpoint, Outcome(response.StatusCode), elapsed);
        // The task's own share of the same sample: its adaptive window reads upstream's pace from it.
        AccCallCounter.Of(request)?.Answered(response.StatusCode, elapsed);
        return response;
    }

    // Status classes, with 429 on its own: the rate limit is the wall this client lives against.
    private static string Outcome(HttpStatusCode status) => (int)status switch
    {
        429 => "429",
        >= 200 and <= 299 => "2xx",
        >= 300 and <= 399 => "3xx",
        >= 400 and <= 499 => "4xx",
        >= 500 and <= 599 => "5xx",
        _ => "other",
    };
}
