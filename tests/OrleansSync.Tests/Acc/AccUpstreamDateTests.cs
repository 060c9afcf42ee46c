using OrleansSync.Emulator;

namespace OrleansSync.Tests.Acc;

public sealed class AccUpstreamDateTests
{
    [Fact]
    public async Task GetPageAsync_DateHeader_LandsInUpstreamDate()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await HostileUpstream.StartAsync(
            static context =>
            {
                // An upstream clock far from ours: the page must carry upstream's, not the time it arrived.
                context.Response.Headers.Date = "Tue, 05 Jan 2021 08:00:00 GMT";
                return HostileUpstream.WritePageAsync(context, 0, 2, null);
            },
            null,
            ct);
        await using var host = AccTestHost.Start(upstream.Connection);

        var page = await host.Client.GetPageAsync(host.Connection, upstream.ReviewsUrl, ct);

        Assert.Equal(new DateTimeOffset(2021, 1, 5, 8, 0, 0, TimeSpan.Zero), page.UpstreamDate);
    }

    [Fact]
    public async Task ReadAllAsync_Emulator_EveryPageCarriesTheUpstreamClock()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(new EmulatorOptions { Dataset = { Seed = 2, Projects = 1, ReviewsPerProject = 120 } }, ct);
        await using var host = AccTestHost.Start(emulator);

        var before = emulator.Clock;
        var pages = await AccReads.PagesAsync(host, host.Client.ReviewsUrl(host.Connection, emulator.ProjectIds[0], false, null), ct);
        var after = emulator.Clock;

        // The upstream's clock at each answer; HTTP dates have whole seconds.
        Assert.True(pages.Count > 1);
        Assert.All(pages, p => Assert.InRange(p.UpstreamDate!.Value, before.AddSeconds(-1), after));
    }

    [Fact]
    public async Task ReadAllAsync_UpstreamDateADayAhead_LoggedAsSkewOnceUntilBackInStep()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions { Dataset = { Seed = 3, Projects = 2, ReviewsPerProject = 60 }, Faults = new FaultSettings { DateSkewSeconds = 86_400 } },
            ct);
        await using var host = AccTestHost.Start(emulator, new Dictionary<string, string> { ["PageSize"] = "10" });

        var pages = 0;
        foreach (var projectId in emulator.ProjectIds)
        {
            pages += (await AccReads.PagesAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, false, null), ct)).Count;
        }

        Assert.True(pages > 4);
        var skew = Assert.Single(host.Logs.Lines, static l => l.Contains("from our clock", StringComparison.Ordinal));
        Assert.Contains(emulator.BaseUrl.GetLeftPart(UriPartial.Authority), skew, StringComparison.Ordinal);
        Assert.Matches("Date 86(39[0-9]|400) s from our clock", skew);

        emulator.SetFaults(emulator.Faults with { DateSkewSeconds = 0 });
        await AccReads.PagesAsync(host, host.Client.ReviewsUrl(host.Connection, emulator.ProjectIds[0], true, null), ct);
        await AccReads.PagesAsync(host, host.Client.ReviewsUrl(host.Connection, emulator.ProjectIds[1], true, null), ct);

        Assert.Single(host.Logs.Lines, static l => l.Contains("of our clock again", StringComparison.Ordinal));
        Assert.Single(host.Logs.Lines, static l => l.Contains("from our clock", StringComparison.Ordinal));
    }
}
