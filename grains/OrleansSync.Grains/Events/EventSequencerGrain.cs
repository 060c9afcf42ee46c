using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansSync.Security;

namespace OrleansSync.Events;

/// <summary>The persisted part of the sequencer: the first id its next activation may hand out.</summary>
[GenerateSerializer, Alias("OrleansSync.Events.EventSequencerState")]
public sealed class EventSequencerState
{
    [Id(0)]
    public long NextBlock { get; set; } = 1;
}

/// <summary>
/// Numbers events in one rising order and keeps the recent ones in memory. Ids are handed out from blocks of
/// <see cref="BlockSize"/> whose start is persisted before use, so an activation after a silo's death starts above
/// every id an earlier one gave (what it kept is gone: resuming clients are told). Reentrant, so long polls wait
/// while appends go on. A silo that stops ends the polls it holds at once: a running request holds its activation's
/// deactivation, so a poll left to run out would hold the silo's shutdown for as long as it waits.
/// </summary>
[Reentrant]
public sealed class EventSequencerGrain(
    [PersistentState("events", GrainStorage.Name)] IPersistentState<EventSequencerState> state,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    IOptions<EventOptions> options) : Grain, IEventSequencerGrain
{
    private const long BlockSize = 100_000;

    private readonly EventOptions _options = options.Value;
    private readonly LinkedList<ClusterEvent> _kept = [];
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _next;
    private long _blockEnd;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await ReserveBlockAsync(state.State.NextBlock);
    }

    public async Task AppendAsync(IReadOnlyList<ClusterEvent> events, CancellationToken cancellationToken = default)
    {
        GrainInput.Required(events, "The events");
        var now = time.GetUtcNow();
        foreach (var item in events)
        {
            GrainInput.Required(item, "An event");
            if (_next >= _blockEnd)
            {
                await ReserveBlockAsync(_blockEnd);
            }

            _kept.AddLast(item with { Id = _next++, At = item.At == default ? now : item.At });
        }

        Trim(now);
        var appended = _appended;
        _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        appended.TrySetResult();
    }

    public async Task<EventBatch> ReadAsync(long after, int max, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        GrainInput.Count(max, "max", 10_000);
        GrainInput.Span(wait, "wait", TimeSpan.FromMinutes(1));
        if ((_kept.Last?.Value.Id ?? 0) <= after && wait > TimeSpan.Zero)
        {
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
            await _appended.Task.WaitAsync(wait, time, waiting.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }

        var oldest = _kept.First?.Value.Id ?? _next;
        return new EventBatch([.. _kept.Where(e => e.Id > after).Take(max)], oldest);
    }

    private async Task ReserveBlockAsync(long start)
    {
        state.State.NextBlock = start + BlockSize;
        await state.WriteStateAsync();
        (_next, _blockEnd) = (start, start + BlockSize);
    }

    private void Trim(DateTimeOffset now)
    {
        while (_kept.First is { } oldest && _options.Drops(_kept.Count, oldest.Value.At, now))
        {
            _kept.RemoveFirst();
        }
    }
}
