using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansSync.Silo.Hosting;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>
/// Orleans' in-process <see cref="TestCluster"/> over real TCP with the real ADO.NET providers on a fresh PostgreSQL
/// database: the same <c>UsePostgres</c> and grain directory the silo host uses, and no test membership.
/// (InProcessTestCluster cannot do this in 10.4.2: its test membership and in-memory transport are not optional.)
/// </summary>
public sealed class InProcessCluster : IAsyncDisposable
{
    /// <summary>Off unless a test's configuration turns it on, with limits that match its emulator's.</summary>
    public const string RateBudgetEnabledKey = "OrleansSync:RateBudget:Enabled";

    private const string PostgresKey = "OrleansSyncTests:Postgres";

    private InProcessCluster(TestDatabase database, TestCluster cluster)
    {
        Database = database;
        Cluster = cluster;
    }

    public TestDatabase Database { get; }

    public TestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    /// <summary>
    /// The first silo's own grain factory: its calls come from the silo (its hosted client), as its services' do, so
    /// methods only silos may call (<c>[SiloOnly]</c>) answer them; <see cref="Client"/> is a client and is refused.
    /// </summary>
    public IGrainFactory SiloGrains => Cluster.GetSiloServiceProvider(Cluster.Silos[0].SiloAddress).GetRequiredService<IGrainFactory>();

    public string ClusterId => Cluster.Options.ClusterId;

    /// <summary>Each running silo's meter factory: the <c>Scope</c> of every meter that silo's services create.</summary>
    public HashSet<object> MeterFactories() =>
        [.. Cluster.Silos.Select(s => (object)Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<IMeterFactory>())];

    /// <summary>What the CLI needs to reach this cluster.</summary>
    public Dictionary<string, string> CliEnvironment() => new()
    {
        ["ORLEANSSYNC_PG"] = Database.ConnectionString,
        ["ORLEANSSYNC_CLUSTER_ID"] = ClusterId,
        ["ORLEANSSYNC_SERVICE_ID"] = Cluster.Options.ServiceId,
    };

    /// <param name="silos">How many silos.</param>
    /// <param name="cancellationToken">Gives up starting.</param>
    /// <param name="configuration">The test's settings, over the defaults here.</param>
    /// <param name="database">A database the test prepared (the cluster then owns it); a fresh migrated one when null.</param>
    /// <param name="serviceId">The service id grain state and reminders are keyed by, when the database holds state written under one; else the test host's.</param>
    /// <param name="siloConfigurator">An <see cref="ISiloConfigurator"/> type applied to every silo after ours (a test's own services).</param>
    public static async Task<InProcessCluster> StartAsync(
        short silos,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? configuration = null,
        TestDatabase? database = null,
        string? serviceId = null,
        Type? siloConfigurator = null)
    {
        database ??= await TestDatabase.CreateAsync(migrate: true, cancellationToken);
        var builder = new TestClusterBuilder(silos);
        if (serviceId is not null)
        {
            builder.Options.ServiceId = serviceId;
        }

        builder.Options.UseTestClusterMembership = false;
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureHostConfiguration(c => c
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [PostgresKey] = database.ConnectionString,
                // ACC's limits would pace an unlimited emulator to 200 calls a minute; tests of the budget turn it on.
                [RateBudgetEnabledKey] = "false",
            })
            // Test silos are declared dead in seconds (production keeps Orleans' defaults); a test's own settings win.
            .AddInMemoryCollection(MembershipSettings.FastFailureDetection.Select(static s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()));
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        if (siloConfigurator is not null)
        {
            builder.Options.SiloBuilderConfiguratorTypes.Add(siloConfigurator.AssemblyQualifiedName!);
        }

        builder.AddClientBuilderConfigurator<ClientConfigurator>();

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync(cancellationToken);
        }
        catch
        {
            await cluster.DisposeAsync();
            await database.DisposeAsync();
            throw;
        }

        return new InProcessCluster(database, cluster);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Database.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.UsePostgres(siloBuilder.Configuration[PostgresKey]!);
            siloBuilder.UseSingleActivationDirectory();
            siloBuilder.UseMembershipFromConfiguration();
            // Production keeps Orleans' one-minute floor; tests tick every couple of seconds.
            siloBuilder.Configure<ReminderOptions>(static o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            siloBuilder.UseReminderFloorFromConfiguration();
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = configuration[PostgresKey];
            });
    }
}
