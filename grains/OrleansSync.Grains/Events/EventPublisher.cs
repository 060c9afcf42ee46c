using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansSync.Events;

/// <summary>
/// The silo's outbox to the sequencer: grains hand it events without waiting, and every
/// <see cref="EventOptions.PublishInterval"/> it sends what has gathered in one call. While the sequencer cannot be
/// reached it keeps up to <see cref="Capacity"/> events, dropping the oldest: the feed is for watching, the tables
/// are the record. <see cref="SentAsync"/> lets a grain wait until what it published has been numbered, so that an
/// event another silo raises because of it is numbered later (a task's end before its run's end).
/// </summary>
public sealed partial class EventPublisher(IGrainFactory grains, IOptions<EventOptions> options, ILogger<EventPublisher> logger)
    : SiloBackgroundLoop
{
    private const int Capacity = 100_000;
    private const int MaxBatch = 5_000;

    // Events, and the waits of SentAsync in their place among them.
    private readonly Channel<Outgoing> _outbox = Channel.CreateBounded<Outgoing>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    // Released by SentAsync: its wait is sent at once, not at the next interval.
    private readonly SemaphoreSlim _wake = new(0);

    // When the call to the sequencer in flight began (Environment.TickCount64), 0 when none is.
    private long _appendingSince;

    public void Publish(ClusterEvent item) => _outbox.Writer.TryWrite(new Outgoing(item, null));

    /// <summary>
    /// Completes once every event published on this silo before the call has reached the sequencer, or after
    /// <paramref name="limit"/> at most; at once while the sequencer has not answered for longer than that (its silo
    /// gone). Never throws: the order it buys is for watchers, and no caller's work waits longer for it.
    /// </summary>
    public async Task SentAsync(TimeSpan limit)
    {
        var since = Volatile.Read(ref _appendingSince);
        if (since != 0 && Environment.TickCount64 - since > limit.TotalMilliseconds)
        {
            return;
        }

        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_outbox.Writer.TryWrite(new Outgoing(null, sent)))
        {
            _wake.Release();
            await sent.Task.WaitAsync(limit).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    protected override async Task LoopAsync(CancellationToken cancellationToken)
    {
        var sequencer = grains.GetGrain<IEventSequencerGrain>(IEventSequencerGrain.Key);
        var batch = new List<ClusterEvent>();
        // Waits whose events are all in the batch (or sent before it): released once it is sent.
        var waits = new List<TaskCompletionSource>();
        try
        {
            while (true)
            {
                await _wake.WaitAsync(options.Value.PublishInterval, cancellationToken);
                while (batch.Count < MaxBatch && _outbox.Reader.TryRead(out var item))
                {
                    if (item.Event is { } next)
                    {
                        batch.Add(next);
                    }
                    else
                    {
                        waits.Add(item.Sent!);
                    }
                }

                try
                {
                    if (batch.Count > 0)
                    {
                        Volatile.Write(ref _appendingSince, Environment.TickCount64);
                        await sequencer.AppendAsync(batch, cancellationToken);
                        batch.Clear();
                    }

                    waits.ForEach(static w => w.TrySetResult());
                    waits.Clear();
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    // Kept for the next tick (the sequencer moving with its silo); bounded by MaxBatch.
                    LogDebugAppendFailed(logger, e, batch.Count);
                }
                finally
                {
                    Volatile.Write(ref _appendingSince, 0);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not send {Events} event(s) to the sequencer; trying again")]
    private static partial void LogDebugAppendFailed(ILogger logger, Exception error, int events);

    /// <summary>An event for the sequencer, or a wait to release once everything before it was sent.</summary>
    private sealed record class Outgoing(ClusterEvent? Event, TaskCompletionSource? Sent);
}
