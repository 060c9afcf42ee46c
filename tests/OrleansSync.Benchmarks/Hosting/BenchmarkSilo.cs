using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansSync.Silo.Hosting;

namespace OrleansSync.Benchmarks.Hosting;

/// <summary>
/// A silo in this process on a <see cref="BenchmarkDatabase"/>, configured as the real host configures Orleans
/// (<c>UsePostgres</c>: ADO.NET membership, grain storage and reminders, the sync engine; the same grain directory),
/// on loopback and free ports, without the web front (dashboard, metrics, health). Calls go through its own
/// <see cref="IClusterClient"/>, so they take no network hop.
/// </summary>
public sealed class BenchmarkSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchmarkSilo(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <param name="connectionString">The database, migrated.</param>
    /// <param name="settings">Configuration such as <c>OrleansSync:Progress:EveryUpdates</c>.</param>
    /// <param name="cancellationToken">Stops waiting for the silo to start.</param>
    public static async Task<BenchmarkSilo> StartAsync(string connectionString, IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // The emulators here have no quota unless a scenario sets one (and the budget with it): ACC's default limits
        // would pace them to 200 calls a minute.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["OrleansSync:RateBudget:Enabled"] = "false" });
        builder.Configuration.AddInMemoryCollection(settings);
        // Warnings and errors only, on stderr: stdout carries the result.
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddConsole(static o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var (siloPort, gatewayPort) = (FreePort(), FreePort());
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(static o => (o.ClusterId, o.ServiceId) = ("benchmarks", "benchmarks"));
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = IPAddress.Loopback;
                o.SiloPort = siloPort;
                o.GatewayPort = gatewayPort;
                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Loopback, siloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Loopback, gatewayPort);
            });
            silo.UsePostgres(connectionString);
            silo.UseSingleActivationDirectory();
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new BenchmarkSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
