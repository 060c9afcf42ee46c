using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansSync.Placement;

namespace OrleansSync.Tests.Placement;

/// <summary>The silo-local run slots on their own: a limit, a first-come-first-served line, and leaving it.</summary>
public sealed class TaskSlotsTests
{
    private static TaskSlots Create(int limit) => new(
        Options.Create(new TaskPlacementOptions { MaxRunningPerSilo = limit }),
        new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    [Fact]
    public async Task RunBeside_StreamsNeverTakeASlot_OthersStillRunAndTheSiloCountsThemAll()
    {
        var ct = TestContext.Current.CancellationToken;
        var slots = Create(limit: 1);
        var captures = new[] { slots.RunBeside("cdc-1"), slots.RunBeside("cdc-2") };

        // The one slot is still free for a task whose run ends.
        var batch = await slots.AcquireAsync("batch", () => throw new Xunit.Sdk.XunitException("the batch task was queued"), ct);
        Assert.Equal((3, 0), slots.Counts);
        Assert.Equal(new[] { "batch", "cdc-1", "cdc-2" }, slots.RunningTaskIds().Order());

        // Only the slot is limited: a second batch task waits for it, not for the captures.
        var next = slots.AcquireAsync("batch-2", () => Task.CompletedTask, ct).AsTask();
        Assert.False(next.IsCompleted);
        await captures[0].DisposeAsync();
        Assert.False(next.IsCompleted);
        await batch.DisposeAsync();
        await (await next.WaitAsync(TimeSpan.FromSeconds(5), ct)).DisposeAsync();
        await captures[1].DisposeAsync();
        await captures[1].DisposeAsync();
        Assert.Equal((0, 0), slots.Counts);
    }

    [Fact]
    public async Task Acquire_OverTheLimit_WaitersQueueAndStartInOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        var slots = Create(limit: 2);
        var queued = new List<string>();
        var first = await slots.AcquireAsync("a", Queued("a"), ct);
        var second = await slots.AcquireAsync("b", Queued("b"), ct);
        var waiting = new[] { "c", "d", "e" }.Select(id => (Id: id, Slot: slots.AcquireAsync(id, Queued(id), ct).AsTask())).ToList();

        Assert.Equal(new[] { "c", "d", "e" }, queued);
        Assert.Equal(new[] { "c", "d", "e" }, slots.QueuedTaskIds());
        Assert.Equal((2, 3), slots.Counts);
        Assert.All(waiting, w => Assert.False(w.Slot.IsCompleted));

        await first.DisposeAsync();
        var c = await waiting[0].Slot.WaitAsync(TimeSpan.FromSeconds(5), ct);
        Assert.False(waiting[1].Slot.IsCompleted);
        await second.DisposeAsync();
        await second.DisposeAsync();
        var d = await waiting[1].Slot.WaitAsync(TimeSpan.FromSeconds(5), ct);
        Assert.False(waiting[2].Slot.IsCompleted);
        Assert.Equal(new[] { "c", "d" }, slots.RunningTaskIds());

        await c.DisposeAsync();
        await (await waiting[2].Slot.WaitAsync(TimeSpan.FromSeconds(5), ct)).DisposeAsync();
        await d.DisposeAsync();
        Assert.Equal((0, 0), slots.Counts);

        Func<Task> Queued(string id) => () =>
        {
            queued.Add(id);
            return Task.CompletedTask;
        };
    }

    [Fact]
    public async Task Acquire_CancelledWhileQueued_LeavesTheLineAndTheNextStarts()
    {
        var ct = TestContext.Current.CancellationToken;
        var slots = Create(limit: 1);
        var held = await slots.AcquireAsync("a", static () => Task.CompletedTask, ct);
        using var cancel = new CancellationTokenSource();
        var cancelled = slots.AcquireAsync("b", static () => Task.CompletedTask, cancel.Token).AsTask();
        var next = slots.AcquireAsync("c", static () => Task.CompletedTask, ct).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(new[] { "c" }, slots.QueuedTaskIds());
        await held.DisposeAsync();
        await (await next.WaitAsync(TimeSpan.FromSeconds(5), ct)).DisposeAsync();
        Assert.Equal((0, 0), slots.Counts);
    }
}
