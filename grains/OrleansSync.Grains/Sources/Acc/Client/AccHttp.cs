using Polly.Timeout;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>Sends one request through the resilience pipeline and names a failure to get any answer.</summary>
internal static class AccHttp
{
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            // Headers only: list bodies are parsed from the stream, never buffered as one string.
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            throw new AccApiException(null, AccEndpoints.Describe(request), null, null, e);
        }
    }
}
