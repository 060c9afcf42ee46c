using OrleansSync.Sources;
using OrleansSync.Tasks;

namespace OrleansSync.Tests.Tasks;

/// <summary>The lag shown for a streaming task, from the source positions asked over time.</summary>
public sealed class LagTrackerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Observe_ConfirmedAtTheSource_NoLag()
    {
        var (lag, crossed) = new LagTracker().Observe(Start, new SourceLag(Position: 500, Confirmed: 500, Limit: 100));

        Assert.Equal((0UL, 0.0, false), (lag.Bytes, lag.Seconds, crossed));
    }

    [Fact]
    public void Observe_ConfirmedPassesAnEarlierPosition_SecondsCountFromWhenTheSourceWasThere()
    {
        var tracker = new LagTracker();
        tracker.Observe(Start, new SourceLag(1_000, 1_000, 10_000));
        tracker.Observe(Start.AddSeconds(10), new SourceLag(2_000, 1_000, 10_000));
        tracker.Observe(Start.AddSeconds(20), new SourceLag(3_000, 1_500, 10_000));

        // Everything up to 2,000 (seen at +10 s) applied: the oldest change missing came after +10 s.
        var (lag, _) = tracker.Observe(Start.AddSeconds(30), new SourceLag(4_000, 2_000, 10_000));

        Assert.Equal((2_000UL, 20.0), (lag.Bytes, lag.Seconds));
    }

    [Fact]
    public void Observe_LagCrossesTheLimitTwice_SaidOncePerCrossing()
    {
        var tracker = new LagTracker();
        var crossings = new ulong[] { 50, 150, 200, 90, 300 }
            .Select((behind, i) => tracker.Observe(Start.AddSeconds(i), new SourceLag(1_000 + behind, 1_000, 100)))
            .Select(static o => (o.Lag.OverLimit, o.CrossedLimit))
            .ToList();

        Assert.Equal([(false, false), (true, true), (true, false), (false, false), (true, true)], crossings);
    }
}
