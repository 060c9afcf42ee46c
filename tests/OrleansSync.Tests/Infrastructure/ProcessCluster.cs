using OrleansSync.Client.Connection;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>Real silo processes on a fresh database, found by clients through the membership table.</summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private readonly List<SiloProcess> _silos = [];

    private readonly IReadOnlyDictionary<string, string?>? _environment;

    private ProcessCluster(
        TestDatabase database, string clusterId, string logDirectory, IReadOnlyDictionary<string, string?>? environment, int? siloPoolSize, (string User, string Password)? siloLogin)
    {
        _environment = environment;
        var silo = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString);
        if (siloPoolSize is { } size)
        {
            silo.MaxPoolSize = size;
        }

        if (siloLogin is { } login)
        {
            silo.Username = login.User;
            silo.Password = login.Password;
        }

        SiloConnectionString = silo.ConnectionString;
        Database = database;
        ClusterId = clusterId;
        LogDirectory = logDirectory;
    }

    public TestDatabase Database { get; }

    /// <summary>What the silos get as ORLEANSSYNC_PG: the database's, with the pool size and login the test asked for.</summary>
    public string SiloConnectionString { get; }

    public string ClusterId { get; }

    public string LogDirectory { get; }

    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <param name="silos">How many silo processes to start.</param>
    /// <param name="cancellationToken">The test's token.</param>
    /// <param name="environment">Extra variables for every silo, e.g. <c>OrleansSync__Tasks__WatchdogPeriod</c> or a client secret.</param>
    /// <param name="siloPoolSize">
    /// Caps each silo's PostgreSQL connection pool (Npgsql's default is 100), for tests busy enough that a few silos
    /// would otherwise take all of the server's connections (max_connections is 100 on a stock install).
    /// </param>
    /// <param name="siloLogin">Another PostgreSQL login for the silos (the leak test's role with a password of its own).</param>
    public static async Task<ProcessCluster> StartAsync(
        int silos, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? environment = null, int? siloPoolSize = null, (string User, string Password)? siloLogin = null)
    {
        var database = await TestDatabase.CreateAsync(migrate: true, cancellationToken);
        var logDirectory = Directory.CreateTempSubdirectory("orleanssync-silos-").FullName;
        var cluster = new ProcessCluster(database, $"test-{Guid.NewGuid():N}"[..17], logDirectory, environment, siloPoolSize, siloLogin);
        try
        {
            for (var i = 0; i < silos; i++)
            {
                cluster.StartSilo();
            }

            await cluster.WaitForActiveAsync(silos, cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public SiloProcess StartSilo()
    {
        var silo = SiloProcess.Start($"silo-{_silos.Count}", SiloConnectionString, ClusterId, LogDirectory, _environment);
        _silos.Add(silo);
        return silo;
    }

    /// <summary>
    /// Waits until <paramref name="count"/> silos are Active in the membership table and every live silo process
    /// answers /health/ready (Kestrel starts after the silo has joined).
    /// </summary>
    public async Task WaitForActiveAsync(int count, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Eventually.UntilAsync(
                async () => (await Membership.ReadAsync(Database, ClusterId, cancellationToken)).Count(static r => r.Status == Membership.Active) == count,
                TimeSpan.FromSeconds(90),
                $"{count} Active silos in the membership table",
                cancellationToken);
            foreach (var silo in _silos.Where(static s => !s.HasExited))
            {
                await Eventually.UntilAsync(() => IsReadyAsync(http, silo, cancellationToken), TimeSpan.FromSeconds(60), $"{silo.Name} /health/ready", cancellationToken);
            }
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\n" + string.Join("\n", _silos.Select(static s => $"--- {s.Name}:\n{s.LogTail()}")), e);
        }
    }

    private static async Task<bool> IsReadyAsync(HttpClient http, SiloProcess silo, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{silo.HttpPort}/health/ready"), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The probe's own 5 s time-out on a busy machine: not ready yet, ask again (the wait has its own deadline).
            return false;
        }
    }

    /// <summary>What the CLI needs to reach this cluster.</summary>
    public Dictionary<string, string> CliEnvironment() => new()
    {
        ["ORLEANSSYNC_PG"] = Database.ConnectionString,
        ["ORLEANSSYNC_CLUSTER_ID"] = ClusterId,
        ["ORLEANSSYNC_SERVICE_ID"] = ClusterId,
    };

    public ClientSettings ClientSettings(TimeSpan? connectTimeout = null) =>
        new(Database.ConnectionString, ClusterId, ClusterId, connectTimeout ?? TimeSpan.FromSeconds(30));

    public Task<ClusterConnection> ConnectAsync(CancellationToken cancellationToken) =>
        ClusterConnection.ConnectAsync(ClientSettings(), verbose: false, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await Database.DisposeAsync();
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
