using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansSync.Events;

/// <summary>
/// The silo's outbox to the sequencer: grains hand it events without waiting, and every
/// <see cref="EventOptions.PublishInterval"/> it sends what has gathered in one call. While the sequencer cannot be
/// reached it keeps up to <see cref="Capacity"/> events, dropping the oldest: the feed is for watching, the tables
/// are the record.
/// </summary>
public sealed partial class EventPublisher(IGrainFactory grains, IOptions<EventOptions> options, ILogger<EventPublisher> logger)
    : SiloBackgroundLoop
{
    private const int Capacity = 100_000;
    private const int MaxBatch = 5_000;

    private readonly Channel<ClusterEvent> _outbox = Channel.CreateBounded<ClusterEvent>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });


    public void Publish(ClusterEvent item) => _outbox.Writer.TryWrite(item);

    protected override async Task LoopAsync(CancellationToken cancellationToken)
    {
        var sequencer = grains.GetGrain<IEventSequencerGrain>(IEventSequencerGrain.Key);
        var batch = new List<ClusterEvent>();
        using var timer = new PeriodicTimer(options.Value.PublishInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                while (batch.Count < MaxBatch && _outbox.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                try
                {
                    await sequencer.AppendAsync(batch, cancellationToken);
                    batch.Clear();
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    // Kept for the next tick (the sequencer moving with its silo); bounded by MaxBatch.
                    LogDebugAppendFailed(logger, e, batch.Count);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not send {Events} event(s) to the sequencer; trying again")]
    private static partial void LogDebugAppendFailed(ILogger logger, Exception error, int events);
}
