using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansSync.Events;

namespace OrleansSync.Silo.Api;

/// <summary>
/// <c>GET /api/v1/events</c>: the cluster's feed as Server-Sent Events, from whichever silo the client reached. Each
/// event's <c>id</c> rises across the cluster; a client that reconnects with <c>Last-Event-ID</c> gets the events after
/// it, or, when those are no longer kept, a <c>reset</c> event and then live ones. <c>?project=</c> narrows it. The
/// first event, <c>ready</c>, has no id: it says the subscription is in place.
/// </summary>
internal static class EventEndpoints
{
    public static void Map(RouteGroupBuilder api) => api.MapGet("/events", Subscribe).WithTags("Events");

    private static Results<ServerSentEventsResult<string>, ProblemHttpResult> Subscribe(
        HttpRequest request, string? project, EventRelay relay, CancellationToken cancellationToken)
    {
        long? after = null;
        if (request.Headers["Last-Event-ID"] is { Count: > 0 } header && !string.IsNullOrWhiteSpace(header[0]))
        {
            if (!long.TryParse(header[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return ApiProblems.BadRequest($"Last-Event-ID '{header[0]}' is not an event id: send the id of the last event received.");
            }

            after = id;
        }

        var projectId = string.IsNullOrWhiteSpace(project) ? null : ProjectIds.Normalize(project);
        return TypedResults.ServerSentEvents(StreamAsync(relay.Subscribe(after, projectId), after, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(
        EventRelay.Subscription subscription, long? after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (subscription)
        {
            // At once, so the client knows it is subscribed before any event (and the response's headers go out). No id:
            // it does not move the client's Last-Event-ID.
            yield return new SseItem<string>(after is { } id ? $$"""{"lastEventId":{{id}}}""" : """{"lastEventId":null}""", "ready");
            await foreach (var item in subscription.ReadAllAsync(cancellationToken))
            {
                yield return new SseItem<string>(item.Data, item.Type) { EventId = item.Id.ToString(CultureInfo.InvariantCulture) };
            }
        }
    }
}
