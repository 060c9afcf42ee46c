using System.Text.Json;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>Single records (<c>GET .../reviews/{id}</c>), for retrying a record that could not be mirrored from its list.</summary>
public sealed partial class AccClient
{
    /// <summary>One review, as <c>GET reviews/{reviewId}</c> answers it: the record alone, no list envelope.</summary>
    public Uri ReviewUrl(AccConnection connection, string projectId, string reviewId) =>
        ReviewsApiUrl(connection, projectId, $"reviews/{Segment(reviewId)}");

    /// <summary>Fetches one record, returned as a page holding just it, with the same bounds and retries as a list page.</summary>
    /// <exception cref="AccMalformedResponseException">Upstream kept answering with a body that is not a JSON object.</exception>
    /// <exception cref="AccApiException">Upstream failed the call (404 included), after the retries that apply.</exception>
    public Task<SourcePage> GetRecordAsync(AccConnection connection, Uri recordUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(recordUrl);
        return !AccEndpoints.IsSameOrigin(recordUrl, connection.BaseUrl)
            ? throw new AccUntrustedUrlException(recordUrl, connection.BaseUrl)
            : ExchangeAsync(connection, recordUrl, static (client, connection, url, counter, ct) => client.FetchRecordAsync(connection, url, counter, ct), cancellationToken);
    }

    private Task<SourcePage> FetchRecordAsync(AccConnection connection, Uri recordUrl, AccCallCounter counter, CancellationToken cancellationToken) =>
        FetchAsync(connection, recordUrl, counter, ReadRecord, cancellationToken);

    /// <exception cref="AccBodyException">The body is not JSON, or not a JSON object.</exception>
    private static SourcePage ReadRecord(AccBody body, Uri recordUrl, string endpoint, DateTimeOffset? upstreamDate)
    {
        using var document = body.ParseJson(endpoint);
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? new SourcePage([document.RootElement.Clone()], 0, 1, null, 0, upstreamDate)
            : throw new AccBodyException(endpoint, "the body is not a record: expected a JSON object");
    }
}
