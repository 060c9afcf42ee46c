using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Benchmarks.Hosting;

/// <summary>
/// Real silo processes on a <see cref="BenchmarkDatabase"/> (what deploy/local/up.sh runs), and an Orleans client in
/// this process that finds their gateways through the membership table, as <c>orleanssync</c> does.
/// </summary>
public sealed class SiloCluster : IAsyncDisposable
{
    /// <summary>Orleans' SiloStatus.Active as the membership table stores it.</summary>
    private const int Active = 3;

    private readonly List<SiloProcess> _silos = [];
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly string _siloConnectionString;
    private IHost? _client;

    private SiloCluster(BenchmarkDatabase database, IReadOnlyDictionary<string, string?> environment, int siloPoolSize)
    {
        Database = database;
        _environment = environment;
        _siloConnectionString = database.PooledConnectionString(siloPoolSize);
        LogDirectory = Directory.CreateTempSubdirectory("orleanssync-bench-silos-").FullName;
    }

    public BenchmarkDatabase Database { get; }

    public string ClusterId { get; } = $"bench-{Guid.NewGuid():N}"[..16];

    public string LogDirectory { get; }

    public IReadOnlyList<SiloProcess> Silos => _silos;

    public IClusterClient Client => _client?.Services.GetRequiredService<IClusterClient>() ?? throw new InvalidOperationException("not connected");

    /// <param name="database">Migrated; the silos start with <c>--migrate false</c>.</param>
    /// <param name="silos">How many silo processes.</param>
    /// <param name="environment">Settings for every silo, e.g. <c>OrleansSync__Tasks__WatchdogPeriod</c> and the client secret.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <param name="siloPoolSize">Each silo's PostgreSQL pool cap.</param>
    public static async Task<SiloCluster> StartAsync(
        BenchmarkDatabase database, int silos, IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken, int siloPoolSize = 20)
    {
        var cluster = new SiloCluster(database, environment, siloPoolSize);
        try
        {
            for (var i = 0; i < silos; i++)
            {
                cluster._silos.Add(SiloProcess.Start($"silo-{i}", cluster._siloConnectionString, cluster.ClusterId, cluster.LogDirectory, environment, shortLived: false));
            }

            await cluster.WaitForActiveAsync(silos, TimeSpan.FromSeconds(120), cancellationToken);
            await cluster.ConnectAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Silos Active in the membership table.</summary>
    public Task<List<string>> ActiveSilosAsync(CancellationToken cancellationToken) =>
        Database.ListAsync(
            "SELECT siloname FROM orleansmembershiptable WHERE deploymentid = @cluster AND status = @active",
            static r => r.GetString(0),
            cancellationToken,
            ("cluster", ClusterId),
            ("active", Active));

    private async Task WaitForActiveAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if ((await ActiveSilosAsync(cancellationToken)).Count == count && await AllReadyAsync(http, cancellationToken))
            {
                return;
            }

            if (_silos.FirstOrDefault(static s => s.HasExited) is { } exited)
            {
                throw new InvalidOperationException($"{exited.Name} exited while starting:\n{exited.LogTail()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{count} silos were not Active and ready within {timeout.TotalSeconds:0} s:\n" +
                    string.Join("\n", _silos.Select(static s => $"--- {s.Name}:\n{s.LogTail()}")));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    // Kestrel (and so /health/ready) answers once the silo has joined.
    private async Task<bool> AllReadyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        foreach (var silo in _silos)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{silo.HttpPort}/health/ready"), cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    return false;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }

        return true;
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ClusterId));
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = Database.ConnectionString;
            });
            // Silos die in the failover scenario: notice it soon.
            client.Configure<GatewayOptions>(static o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        });
        _client = builder.Build();
        await _client.StartAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            try
            {
                await _client.StopAsync(TimeSpan.FromSeconds(5));
            }
            finally
            {
                _client.Dispose();
            }
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        try
        {
            Directory.Delete(LogDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A log still held open is harmless in a temp directory.
        }
    }
}
