using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansSync.Events;

/// <summary>
/// The silo's copy of the cluster's feed: follows the sequencer (long polls), keeps what it kept, and hands each local
/// subscriber the events after its <c>Last-Event-ID</c>, then live ones, with no gap and no repeat. A subscriber too
/// slow to keep up is ended; it reconnects with its last id and resumes.
/// </summary>
public sealed partial class EventRelay(IGrainFactory grains, TimeProvider time, IOptions<EventOptions> options, ILogger<EventRelay> logger)
    : SiloBackgroundLoop
{
    private const int SubscriberCapacity = 20_000;

    private readonly Lock _sync = new();
    private readonly LinkedList<ClusterEvent> _kept = [];
    private readonly List<Subscription> _subscribers = [];
    private long _last;
    private long _complete;

    /// <summary>The events after <paramref name="lastEventId"/> (of <paramref name="projectId"/>, when given), then live ones.</summary>
    public Subscription Subscribe(long? lastEventId, string? projectId)
    {
        var subscription = new Subscription(this, projectId);
        lock (_sync)
        {
            if (lastEventId is { } after)
            {
                if (after < _complete)
                {
                    // Before what this silo holds: say so, then carry on live (the client re-reads state from the API).
                    subscription.Offer(new ClusterEvent(_last, "reset", projectId ?? "", time.GetUtcNow(),
                        $$"""{"lastEventId":{{after}},"keptFrom":{{_complete + 1}},"message":"events after {{after}} are no longer kept; live events follow"}"""));
                }

                else
                {
                    foreach (var item in _kept)
                    {
                        if (item.Id > after)
                        {
                            subscription.Offer(item);
                        }
                    }
                }
            }

            _subscribers.Add(subscription);
        }

        return subscription;
    }

    protected override async Task LoopAsync(CancellationToken cancellationToken)
    {
        var sequencer = grains.GetGrain<IEventSequencerGrain>(IEventSequencerGrain.Key);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var batch = await sequencer.ReadAsync(_last, 5_000, options.Value.RelayPoll, cancellationToken);
                Take(batch);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogDebugReadFailed(logger, e);
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Subscribers' streams end with the silo; they reconnect to another.</summary>
    protected override void OnStopped()
    {
        lock (_sync)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.End();
            }
        }
    }

    private void Take(EventBatch batch)
    {
        lock (_sync)
        {
            if (batch.Oldest > _last + 1 && batch.Events.Count > 0 && batch.Events[0].Id > _last + 1)
            {
                // Events between were dropped (or a new sequencer started a new block): nothing before is continuous.
                _kept.Clear();
                _complete = batch.Events[0].Id - 1;
            }

            foreach (var item in batch.Events)
            {
                _kept.AddLast(item);
                _last = item.Id;
                foreach (var subscriber in _subscribers)
                {
                    subscriber.Offer(item);
                }
            }

            var now = time.GetUtcNow();
            while (_kept.First is { } oldest && options.Value.Drops(_kept.Count, oldest.Value.At, now))
            {
                _complete = oldest.Value.Id;
                _kept.RemoveFirst();
            }
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_sync)
        {
            _subscribers.Remove(subscription);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not read the event sequencer; trying again")]
    private static partial void LogDebugReadFailed(ILogger logger, Exception error);

    /// <summary>One subscriber's queue; dispose it when the client goes.</summary>
    public sealed class Subscription(EventRelay relay, string? projectId) : IDisposable
    {
        private readonly Channel<ClusterEvent> _queue = Channel.CreateBounded<ClusterEvent>(
            new BoundedChannelOptions(SubscriberCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

        public IAsyncEnumerable<ClusterEvent> ReadAllAsync(CancellationToken cancellationToken) => _queue.Reader.ReadAllAsync(cancellationToken);

        public void Dispose()
        {
            relay.Remove(this);
            _queue.Writer.TryComplete();
        }

        internal void Offer(ClusterEvent item)
        {
            if ((projectId is null || item.ProjectId == projectId || item.Type == "reset") && !_queue.Writer.TryWrite(item))
            {
                // Too far behind: end its stream rather than hold the relay or skip events silently.
                _queue.Writer.TryComplete();
            }
        }

        internal void End() => _queue.Writer.TryComplete();
    }
}
