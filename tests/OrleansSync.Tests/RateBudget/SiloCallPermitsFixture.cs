using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansSync.RateBudget;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.RateBudget;

/// <summary>
/// One silo with the budget on (10 reviews calls a second, a 2 s MaxPause), and a way to build this silo's
/// <see cref="SiloCallPermits"/> on a clock the test controls, talking to the silo's real budget grain.
/// </summary>
public sealed class SiloCallPermitsFixture : IAsyncLifetime
{
    public const int ReviewsPerSecond = 10;

    public static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(2);

    private InProcessCluster? _cluster;
    private int _credentials;

    public static Uri BaseUrl { get; } = new("https://upstream.example.com/");

    public async ValueTask InitializeAsync() =>
        _cluster = await InProcessCluster.StartAsync(
            silos: 1,
            TestContext.Current.CancellationToken,
            new Dictionary<string, string?>
            {
                [InProcessCluster.RateBudgetEnabledKey] = "true",
                ["OrleansSync:RateBudget:Window"] = "00:00:01",
                ["OrleansSync:RateBudget:Reviews"] = $"{ReviewsPerSecond}",
                ["OrleansSync:RateBudget:MaxPause"] = "00:00:02",
            });

    /// <summary>A client id no other test uses: its budget starts empty.</summary>
    public string NewClientId() => $"permits-{Interlocked.Increment(ref _credentials)}";

    /// <summary>The silo's permits as the silo builds them, but on <paramref name="clock"/>.</summary>
    public SiloCallPermits Permits(TimeProvider clock)
    {
        var services = ((InProcessSiloHandle)_cluster!.Cluster.Silos[0]).SiloHost.Services;
        return ActivatorUtilities.CreateInstance<SiloCallPermits>(services, clock);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
