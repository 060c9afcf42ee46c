using OrleansSync.Sources.Acc.Streams;
using OrleansSync.Tests.Acc;

namespace OrleansSync.Tests.Streams;

/// <summary>The adaptive window's AIMD on a clock the test moves: no HTTP, only the signals a fetch reports.</summary>
public sealed class AdaptiveWindowTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(40);

    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    [Fact]
    public void Completed_GoodLatency_GrowsByOneEveryWFetchesUpToTheCap()
    {
        var window = new AdaptiveWindow(cap: 5, _clock);
        Assert.Equal(1, window.Size);

        for (var size = 1; size < 5; size++)
        {
            // W - 1 good fetches keep W; the W-th adds one.
            Succeed(window, size - 1);
            Assert.Equal(size, window.Size);
            Succeed(window, 1);
            Assert.Equal(size + 1, window.Size);
        }

        Succeed(window, 50);
        Assert.Equal(5, window.Size);
    }

    [Fact]
    public void Completed_ServerErrorsAndTimeouts_HalveDownToOneNeverBelow()
    {
        var window = Grown(cap: 8);

        Complete(window, new FetchSignal(Fast * 2, 2, ServerErrors: 1, Timeouts: 0));
        Assert.Equal(4, window.Size);
        Complete(window, new FetchSignal(TimeSpan.FromSeconds(30), 1, ServerErrors: 0, Timeouts: 1));
        Assert.Equal(2, window.Size);
        Complete(window, new FetchSignal(Fast, 1, ServerErrors: 1, Timeouts: 0));
        Assert.Equal(1, window.Size);
        Complete(window, new FetchSignal(Fast, 1, ServerErrors: 3, Timeouts: 1));
        Assert.Equal(1, window.Size);
    }

    [Fact]
    public void Completed_LatencyWellAboveBaseline_Halves()
    {
        var window = Grown(cap: 8);

        // Jitter, and a fast upstream twice as slow but by less than the margin, are no spike.
        Complete(window, Good(Fast * 2.5));
        Complete(window, Good(TimeSpan.FromMilliseconds(9)));
        Complete(window, Good(TimeSpan.FromMilliseconds(55)));
        Assert.Equal(8, window.Size);
        Assert.Equal(TimeSpan.FromMilliseconds(9), window.Baseline);

        Complete(window, Good(TimeSpan.FromMilliseconds(400)));
        Assert.Equal(4, window.Size);
    }

    [Fact]
    public void Completed_CongestionFromFetchesStartedBeforeADecrease_HalvesOncePerRound()
    {
        var window = Grown(cap: 8);
        var rounds = Enumerable.Range(0, 8).Select(_ => window.Started()).ToList();

        foreach (var round in rounds)
        {
            window.Completed(round, new FetchSignal(Fast, 1, ServerErrors: 1, Timeouts: 0));
        }

        Assert.Equal(4, window.Size);
        Complete(window, new FetchSignal(Fast, 1, ServerErrors: 1, Timeouts: 0));
        Assert.Equal(2, window.Size);
    }

    [Fact]
    public void Completed_AfterFaultsEnd_GrowsBackToTheCap()
    {
        var window = Grown(cap: 6);
        for (var i = 0; i < 4; i++)
        {
            Complete(window, new FetchSignal(Fast, 1, ServerErrors: 1, Timeouts: 0));
        }

        Assert.Equal(1, window.Size);

        // Additive: 1 + 2 + 3 + 4 + 5 good fetches bring it from 1 to 6.
        Succeed(window, 14);
        Assert.Equal(5, window.Size);
        Succeed(window, 1);
        Assert.Equal(6, window.Size);
    }

    [Fact]
    public void Completed_LastingSlowdown_BecomesTheNewBaselineAfterTheHorizon()
    {
        var window = Grown(cap: 8);
        var slow = TimeSpan.FromMilliseconds(400);

        Complete(window, Good(slow));
        Assert.Equal(4, window.Size);
        Assert.Equal(Fast, window.Baseline);

        // Half a horizon at a time: the fast samples age out of both halves.
        for (var i = 0; i < 3; i++)
        {
            _clock.Advance(AdaptiveWindow.BaselineHorizon / 2);
            Complete(window, Good(slow));
        }

        Assert.Equal(slow, window.Baseline);
        var size = window.Size;
        Succeed(window, size, slow);
        Assert.Equal(size + 1, window.Size);
    }

    [Fact]
    public void Constructor_CapBelowOne_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveWindow(cap: 0, _clock));

    private static FetchSignal Good(TimeSpan latency) => new(latency, 1, 0, 0);

    private static void Complete(AdaptiveWindow window, FetchSignal signal) => window.Completed(window.Started(), signal);

    private static void Succeed(AdaptiveWindow window, int fetches, TimeSpan? latency = null)
    {
        for (var i = 0; i < fetches; i++)
        {
            Complete(window, Good(latency ?? Fast));
        }
    }

    private AdaptiveWindow Grown(int cap)
    {
        var window = new AdaptiveWindow(cap, _clock);
        Succeed(window, cap * cap);
        Assert.Equal(cap, window.Size);
        return window;
    }
}
