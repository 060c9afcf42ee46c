using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Registry;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// Reads the lists of an ACC-shaped upstream page by page, records exactly as received. Typed HttpClient: the
/// resilience pipeline (timeouts, retries, Retry-After) sits in its handler chain; see <see cref="AccSourceServiceCollectionExtensions.AddAccSource"/>.
/// Each page's body is read within <see cref="AccSourceOptions.BodyTimeout"/> and <see cref="AccSourceOptions.MaxBodyBytes"/>,
/// and a malformed one sends the request again (<see cref="AccSourceOptions.MalformedRetries"/>).
/// </summary>
public sealed partial class AccClient(
    HttpClient http,
    AccTokenCache tokens,
    ResiliencePipelineProvider<string> pipelines,
    TimeProvider timeProvider,
    IOptionsMonitor<AccSourceOptions> options,
    AccClockSkew clockSkew,
    ILogger<AccClient> logger)
{
    private const string UserIdHeader = "x-user-id";

    /// <summary>Fetches one page: a first-page URL from the builders here, or a <see cref="SourcePage.NextUrl"/>.</summary>
    /// <exception cref="AccUntrustedUrlException"><paramref name="pageUrl"/> is not on the connection's origin.</exception>
    /// <exception cref="AccAuthenticationException">The client credentials are wrong.</exception>
    /// <exception cref="AccMalformedResponseException">Upstream kept answering with a body that is not a whole list page.</exception>
    /// <exception cref="AccApiException">Upstream failed the call, after the retries that apply.</exception>
    public async Task<SourcePage> GetPageAsync(AccConnection connection, Uri pageUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(pageUrl);
        if (!AccEndpoints.IsSameOrigin(pageUrl, connection.BaseUrl))
        {
            throw new AccUntrustedUrlException(pageUrl, connection.BaseUrl);
        }

        return await ExchangeAsync(connection, pageUrl, static (client, connection, url, counter, ct) => client.FetchPageAsync(connection, url, counter, ct), cancellationToken);
    }

    /// <summary>One exchange through the malformed-answer retries, with the calls, 429s and upstream time it took.</summary>
    private async Task<SourcePage> ExchangeAsync(
        AccConnection connection,
        Uri url,
        Func<AccClient, AccConnection, Uri, AccCallCounter, CancellationToken, Task<SourcePage>> fetch,
        CancellationToken cancellationToken)
    {
        var counter = new AccCallCounter();
        var page = await AccMalformedRetry.ExecuteAsync(
            pipelines.GetPipeline(AccMalformedRetry.PipelineName),
            static (call, token) => call.Fetch(call.Client, call.Connection, call.Url, call.Counter, token),
            (Client: this, Connection: connection, Url: url, Counter: counter, Fetch: fetch),
            cancellationToken);
        return page with
        {
            Calls = counter.Count,
            Throttled = counter.Throttled,
            UpstreamTime = counter.UpstreamTime,
            TimedCalls = counter.TimedCalls,
            ServerErrors = counter.ServerErrors,
            Timeouts = counter.Timeouts,
        };
    }

    /// <summary>
    /// Every page of a list, following nextUrl from <paramref name="firstPage"/> to the last page, as one consistent
    /// read: a list that changes while it is read (<see cref="AccListDrift"/>) is read again from its first page, up
    /// to <see cref="AccSourceOptions.MaxListRereads"/> times, so pages are handed out only once the list held
    /// together to its end. The calls of discarded reads count on the first page handed out.
    /// </summary>
    /// <exception cref="AccPaginationException">
    /// The pages loop, contradict themselves or run past the page cap (see <see cref="AccPageTrail"/>), or the list kept
    /// drifting.
    /// </exception>
    public async IAsyncEnumerable<SourcePage> ReadAllAsync(
        AccConnection connection,
        Uri firstPage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var (wastedCalls, wastedThrottled) = (0, 0);
        for (var rereads = 0; ; rereads++)
        {
            // Links that loop would read forever; an upstream bug must end the read, not hang it.
            var trail = new AccPageTrail(settings.MaxListPages);
            var pages = new List<SourcePage>();
            AccListDrift? drift = null;
            for (var url = firstPage; url is not null && drift is null; url = pages[^1].NextUrl)
            {
                var page = await GetPageAsync(connection, url, cancellationToken);
                drift = trail.Check(url, page);
                pages.Add(trail.WithoutRepeats(page));
            }

            if (drift is null)
            {
                pages[0] = pages[0] with { Calls = pages[0].Calls + wastedCalls, Throttled = pages[0].Throttled + wastedThrottled };
                foreach (var page in pages)
                {
                    yield return page;
                }

                yield break;
            }

            wastedCalls += pages.Sum(static p => p.Calls);
            wastedThrottled += pages.Sum(static p => p.Throttled);
            logger.LogWarningListDrifted(drift.Endpoint, drift.Reason, rereads + 1);
            if (rereads >= settings.MaxListRereads)
            {
                throw drift.TooOften(rereads);
            }
        }
    }

    private Task<SourcePage> FetchPageAsync(AccConnection connection, Uri pageUrl, AccCallCounter counter, CancellationToken cancellationToken) =>
        FetchAsync(connection, pageUrl, counter, AccPageReader.Read, cancellationToken);

    /// <summary>
    /// One exchange: the request (with the retries by status inside HttpClient), then the whole body within its
    /// bounds, read by <paramref name="read"/> (from the body, the URL, the endpoint's name and upstream's Date).
    /// </summary>
    private async Task<SourcePage> FetchAsync(
        AccConnection connection, Uri url, AccCallCounter counter, Func<AccBody, Uri, string, DateTimeOffset?, SourcePage> read, CancellationToken cancellationToken)
    {
        var limits = AccBodyLimits.From(options.CurrentValue, timeProvider);
        using var response = await SendAuthorizedAsync(connection, url, counter, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await AccErrorBody.ToExceptionAsync(response, limits, cancellationToken);
        }

        var endpoint = AccEndpoints.Describe(HttpMethod.Get, url);
        using var body = await AccBody.ReadAsync(response, endpoint, limits, cancellationToken);
        clockSkew.Observe(url, response.Headers.Date);
        return read(body, url, endpoint, response.Headers.Date);
    }

    private async Task<HttpResponseMessage> SendAuthorizedAsync(
        AccConnection connection,
        Uri url,
        AccCallCounter counter,
        CancellationToken cancellationToken)
    {
        var token = await tokens.GetTokenAsync(connection, counter, cancellationToken);
        var response = await SendAsync(connection, url, token, counter, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        // Upstream expired or revoked the token before our clock said so: renew it once and try once more.
        // A second 401 is not a token problem, and goes back to the caller.
        logger.LogInformationTokenRejected(AccEndpoints.Describe(response.RequestMessage!));
        response.Dispose();
        tokens.Invalidate(connection, token);
        token = await tokens.GetTokenAsync(connection, counter, cancellationToken);
        return await SendAsync(connection, url, token, counter, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(
        AccConnection connection,
        Uri url,
        AccToken token,
        AccCallCounter counter,
        CancellationToken cancellationToken)
    {
        // A fresh message per try: HttpClient refuses to send one twice (the retry pipeline below it may).
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (connection.UserId is { Length: > 0 } userId && AccEndpoints.IsReviewsApi(url))
        {
            request.Headers.TryAddWithoutValidation(UserIdHeader, userId);
        }

        counter.Attach(request);
        AccCallTicket.Attach(request, connection);
        return await AccHttp.SendAsync(http, request, cancellationToken);
    }
}
