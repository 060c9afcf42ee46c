using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Security;

/// <summary>
/// One in-process silo, and a stranger: a plain Orleans client built here from nothing but the cluster's database and
/// ids, as anyone who reaches a gateway could build one (not the CLI, not the test cluster's own client).
/// </summary>
public sealed class SiloOnlyCallFixture : IAsyncLifetime
{
    private InProcessCluster? _cluster;
    private IHost? _stranger;

    public InProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture has not started.");

    public IClusterClient Stranger => _stranger?.Services.GetRequiredService<IClusterClient>() ?? throw new InvalidOperationException("The fixture has not started.");

    public Dictionary<string, string> CliEnvironment => Cluster.CliEnvironment();

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _cluster = await InProcessCluster.StartAsync(silos: 1, ct);
        var (connectionString, clusterId, serviceId) = (_cluster.Database.ConnectionString, _cluster.ClusterId, _cluster.Cluster.Options.ServiceId);
        _stranger = new HostBuilder()
            .UseOrleansClient(client => client
                .UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = connectionString;
                })
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = serviceId;
                }))
            .Build();
        await _stranger.StartAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stranger is not null)
        {
            await _stranger.StopAsync();
            _stranger.Dispose();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
