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

        var pages = await AccReads.PagesAsync(host, host.Client.ReviewsUrl(host.Connection, emulator.ProjectIds[0], false, null), ct);

        // The emulator's clock dates its records (not our wall clock); HTTP dates have whole seconds.
        Assert.True(pages.Count > 1);
        Assert.All(pages, p => Assert.InRange(p.UpstreamDate!.Value, emulator.Clock.AddSeconds(-1), emulator.Clock));
    }
}
