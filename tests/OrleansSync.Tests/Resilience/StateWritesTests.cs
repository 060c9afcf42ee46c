using Orleans.Storage;
using OrleansSync.Resilience;

namespace OrleansSync.Tests.Resilience;

/// <summary>A grain's state writes run one at a time, and an ETag conflict makes the activation stale for good.</summary>
public sealed class StateWritesTests
{
    [Fact]
    public async Task WriteAsync_SecondWhileFirstAwaitsTheDatabase_StartsOnlyAfterTheFirstEnds()
    {
        var firstHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var running = 0;
        var mostAtOnce = 0;
        var writes = new StateWrites(
            async _ =>
            {
                var n = Interlocked.Increment(ref started);
                mostAtOnce = Math.Max(mostAtOnce, Interlocked.Increment(ref running));
                if (n == 1)
                {
                    await firstHeld.Task;
                }

                Interlocked.Decrement(ref running);
            },
            static () => { });

        var first = writes.WriteAsync(TestContext.Current.CancellationToken);
        var second = writes.WriteAsync(TestContext.Current.CancellationToken);
        await Task.Yield();

        Assert.Equal(1, Volatile.Read(ref started));
        Assert.False(second.IsCompleted);
        firstHeld.SetResult();
        await Task.WhenAll(first, second);
        Assert.Equal(2, started);
        Assert.Equal(1, mostAtOnce);
    }

    [Fact]
    public async Task WriteAsync_FirstFails_ItsCallerHearsItAndTheNextStillWrites()
    {
        var calls = 0;
        var writes = new StateWrites(
            _ => Interlocked.Increment(ref calls) == 1 ? Task.FromException(new TimeoutException("database away")) : Task.CompletedTask,
            static () => { });

        var first = writes.WriteAsync(TestContext.Current.CancellationToken);
        var second = writes.WriteAsync(TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<TimeoutException>(() => first);
        await second;
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task WriteAsync_EtagConflict_StaleOnceAndNoLaterWriteReachesTheDatabase()
    {
        var calls = 0;
        var staleCalls = 0;
        var writes = new StateWrites(
            _ =>
            {
                Interlocked.Increment(ref calls);
                return Task.FromException(new InconsistentStateException("etag mismatch", "stored", "current"));
            },
            () => staleCalls++);

        await Assert.ThrowsAsync<InconsistentStateException>(() => writes.WriteAsync(TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<InconsistentStateException>(() => writes.WriteAsync(TestContext.Current.CancellationToken));

        Assert.True(writes.Stale);
        Assert.Equal(1, calls);
        Assert.Equal(1, staleCalls);
    }
}
