using System.Diagnostics;
using OrleansSync.Tests.Acc;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.RateBudget;

/// <summary>
/// A silo's permits against a real budget grain: a 429 pauses them for MaxPause at most, a failure of the pump does
/// not stop them for good, and a clock that jumps does not waste slots as late.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed class SiloCallPermitsTests(SiloCallPermitsFixture fixture) : IClassFixture<SiloCallPermitsFixture>
{
    private const string Family = "reviews";

    // Far longer than any wait these tests expect (MaxPause is 2 s, a slot 0.1 s); a stalled budget never ends.
    private static readonly TimeSpan Stalled = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AcquireAsync_AfterA429AskingFor68Years_ServedOnceMaxPauseHasPassed()
    {
        var ct = TestContext.Current.CancellationToken;
        var permits = fixture.Permits(TimeProvider.System);
        var clientId = fixture.NewClientId();
        await permits.AcquireAsync(clientId, SiloCallPermitsFixture.BaseUrl, Family, "p1", ct).AsTask().WaitAsync(Stalled, ct);

        permits.Throttled(clientId, SiloCallPermitsFixture.BaseUrl, Family, TimeSpan.FromSeconds(int.MaxValue));
        var clock = Stopwatch.StartNew();
        await permits.AcquireAsync(clientId, SiloCallPermitsFixture.BaseUrl, Family, "p1", ct).AsTask().WaitAsync(Stalled, ct);

        // Paused here and, through the grain, everywhere: for MaxPause, then the next slot.
        Assert.InRange(clock.Elapsed, SiloCallPermitsFixture.MaxPause * 0.95, SiloCallPermitsFixture.MaxPause * 3);
    }

    [Fact]
    public async Task AcquireAsync_PumpFailsOnce_LaterCallersAreStillServed()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new TimerRefusingClock();
        var permits = fixture.Permits(clock);
        var clientId = fixture.NewClientId();

        // The first caller is served on the pump's first lease; the pump's next timer is refused.
        clock.RefuseNextTimer();
        await permits.AcquireAsync(clientId, SiloCallPermitsFixture.BaseUrl, Family, "p1", ct).AsTask().WaitAsync(Stalled, ct);
        await Eventually.UntilAsync(() => Task.FromResult(clock.Refused), TimeSpan.FromSeconds(10), "the pump to meet the refused timer", ct);

        await permits.AcquireAsync(clientId, SiloCallPermitsFixture.BaseUrl, Family, "p1", ct).AsTask().WaitAsync(Stalled, ct);
        await permits.AcquireAsync(clientId, SiloCallPermitsFixture.BaseUrl, Family, "p2", ct).AsTask().WaitAsync(Stalled, ct);
    }

    [Fact]
    public async Task AcquireAsync_SiloClockJumpsADayAhead_SlotsAreNotGivenUpAsLate()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var permits = fixture.Permits(clock);
        var clientId = fixture.NewClientId();
        for (var i = 0; i < 5; i++)
        {
            await permits.AcquireAsync(clientId, SiloCallPermitsFixture.BaseUrl, Family, "p1", ct).AsTask().WaitAsync(Stalled, ct);
        }

        // The silo's clock is set a day ahead (the grain's is not): the gap between them changes by a day.
        clock.Advance(TimeSpan.FromDays(1));
        var elapsed = Stopwatch.StartNew();
        for (var i = 0; i < 5; i++)
        {
            await permits.AcquireAsync(clientId, SiloCallPermitsFixture.BaseUrl, Family, "p1", ct).AsTask().WaitAsync(Stalled, ct);
        }

        // Five slots at 10 a second (and the headroom) take about half a second; slots timed by the old gap fall a day
        // into the past, and each one given up as late costs a slot's time.
        var slot = TimeSpan.FromSeconds(1.0 / SiloCallPermitsFixture.ReviewsPerSecond);
        Assert.True(elapsed.Elapsed < slot * 15, $"five permits took {elapsed.Elapsed}");
    }

    /// <summary>The system clock, except that the next timer asked for after <see cref="RefuseNextTimer"/> throws.</summary>
    private sealed class TimerRefusingClock : TimeProvider
    {
        private int _armed;
        private int _refused;

        public bool Refused => Volatile.Read(ref _refused) == 1;

        public void RefuseNextTimer() => Volatile.Write(ref _armed, 1);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (Interlocked.Exchange(ref _armed, 0) == 1)
            {
                Volatile.Write(ref _refused, 1);
                throw new InvalidOperationException("The test refused this timer.");
            }

            return System.CreateTimer(callback, state, dueTime, period);
        }
    }
}
