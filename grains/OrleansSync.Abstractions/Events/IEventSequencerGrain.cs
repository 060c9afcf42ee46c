using OrleansSync.Security;

namespace OrleansSync.Events;

/// <summary>
/// The cluster's one event sequencer (key <see cref="Key"/>): silos append their events in batches, it numbers them in
/// one rising order and keeps the recent ones, and each silo's relay follows it to feed its own subscribers.
/// </summary>
[Alias("OrleansSync.Events.IEventSequencerGrain")]
public interface IEventSequencerGrain : IGrainWithIntegerKey
{
    const long Key = 0;

    /// <summary>Numbers and keeps the events, in the order given.</summary>
    [Alias("Append"), SiloOnly]
    Task AppendAsync(IReadOnlyList<ClusterEvent> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// The kept events after <paramref name="after"/>, at most <paramref name="max"/>; when there are none yet, waits up
    /// to <paramref name="wait"/> for some (a long poll), then answers what it has.
    /// </summary>
    [Alias("Read"), SiloOnly]
    Task<EventBatch> ReadAsync(long after, int max, TimeSpan wait, CancellationToken cancellationToken = default);
}
