using OrleansSync.Tests.Grains;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Reminders;

public sealed class ReminderTests
{
    [Fact]
    public async Task Reminder_SiloHandlingItStops_KeepsFiringOnSurvivor()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct);
        var key = $"reminder-{Guid.NewGuid():N}";
        var grain = cluster.Client.GetGrain<IReminderProbeGrain>(key);
        await grain.StartAsync(TimeSpan.FromSeconds(2));
        var stored = await cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM orleansreminderstable WHERE grainid LIKE '%' || @key || '%'", ct, ("key", key));
        Assert.Equal(1, stored);

        await Eventually.UntilAsync(() => Task.FromResult(TicksOf(key).Count >= 2), TimeSpan.FromSeconds(30), "two reminder ticks", ct);
        var handler = TicksOf(key)[^1].Silo;
        await cluster.Cluster.StopSiloAsync(cluster.Cluster.GetActiveSilos().Single(s => s.SiloAddress.Equals(handler)), ct);
        var stoppedAt = DateTimeOffset.UtcNow;

        await Eventually.UntilAsync(
            () => Task.FromResult(TicksOf(key).Count(t => t.At > stoppedAt && !t.Silo.Equals(handler)) >= 2),
            TimeSpan.FromSeconds(60),
            "two ticks on the surviving silo",
            ct);
        await grain.StopAsync();
    }

    private static List<ReminderTick> TicksOf(string key) =>
        ReminderProbeGrain.Ticks.TryGetValue(key, out var ticks) ? [.. ticks] : [];
}
