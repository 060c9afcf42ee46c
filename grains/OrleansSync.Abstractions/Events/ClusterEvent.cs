namespace OrleansSync.Events;

/// <summary>
/// One event of the cluster's feed (<c>GET /api/v1/events</c>): <paramref name="Type"/> is <c>progress</c>, <c>run</c>,
/// <c>breaker</c> or <c>deadletter</c>; <paramref name="Data"/> is its JSON document as the feed sends it.
/// <paramref name="Id"/> is 0 until the cluster's sequencer numbers it; numbers rise across the whole cluster.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansSync.Events.ClusterEvent")]
public sealed record class ClusterEvent(
    [property: Id(0)] long Id,
    [property: Id(1)] string Type,
    [property: Id(2)] string ProjectId,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Data);

/// <summary>
/// What the sequencer holds after an id: the events (oldest first), and the first id it still has. An
/// <paramref name="Oldest"/> above the id asked after means the events between were dropped (retention, or a
/// sequencer that moved with its silo).
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansSync.Events.EventBatch")]
public sealed record class EventBatch(
    [property: Id(0)] IReadOnlyList<ClusterEvent> Events,
    [property: Id(1)] long Oldest);
