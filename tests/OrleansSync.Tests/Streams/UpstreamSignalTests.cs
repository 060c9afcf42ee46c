using OrleansSync.Emulator;
using OrleansSync.Tests.Acc;

namespace OrleansSync.Tests.Streams;

/// <summary>
/// What a page reports to the adaptive window: upstream's own time per attempt, its 5xx, and never a 429 or its wait
/// (flow control, not congestion).
/// </summary>
public sealed class UpstreamSignalTests
{
    [Fact]
    public async Task GetPageAsync_ThrottledThenAnswered_UpstreamTimeLeavesOutThe429AndItsWait()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 41, Projects = 1, ReviewsPerProject = 20 },
                Faults = new FaultSettings { LatencyMs = 100, ThrottleRetryAfterSeconds = 2 },
            },
            ct);
        await using var host = AccTestHost.Start(emulator);
        await host.Tokens.GetTokenAsync(host.Connection, ct);

        emulator.ThrottleNext(1);
        var page = await host.Client.GetPageAsync(host.Connection, host.Client.ReviewsUrl(host.Connection, emulator.ProjectIds[0], false, null), ct);

        Assert.Equal((2, 1), (page.Calls, page.Throttled));
        Assert.Equal((1, 0, 0), (page.TimedCalls, page.ServerErrors, page.Timeouts));
        // The answered attempt's 100 ms, without the 429's own 100 ms or its 2-second Retry-After. The emulator's delay
        // runs on the runtime's timer, which may end it a little early by the stopwatch that times the attempt (99.7 ms
        // was seen): the floor leaves 5 ms for that, far from the 200 ms that counting the 429 too would give.
        Assert.InRange(page.UpstreamTime, TimeSpan.FromMilliseconds(95), TimeSpan.FromMilliseconds(1500));
    }

    [Fact]
    public async Task GetPageAsync_ServerErrorThenAnswered_CountsTheErrorAndTimesBothAttempts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 42, Projects = 1, ReviewsPerProject = 20 },
                Faults = new FaultSettings { LatencyMs = 60 },
            },
            ct);
        await using var host = AccTestHost.Start(emulator);
        await host.Tokens.GetTokenAsync(host.Connection, ct);

        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.NulInError, Times: 1));
        var page = await host.Client.GetPageAsync(host.Connection, host.Client.ReviewsUrl(host.Connection, emulator.ProjectIds[0], false, null), ct);

        Assert.Equal((2, 0), (page.Calls, page.Throttled));
        Assert.Equal((2, 1, 0), (page.TimedCalls, page.ServerErrors, page.Timeouts));
        // Less the timer's early end (see above) on each of the two.
        Assert.True(page.UpstreamTime >= TimeSpan.FromMilliseconds(110), $"two attempts of at least 60 ms took {page.UpstreamTime} in all");
    }
}
