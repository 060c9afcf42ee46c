using Npgsql;
using Orleans.Configuration;

namespace OrleansSync.Silo.Hosting;

/// <summary>The Orleans configuration every OrleansSync silo shares, real hosts and test clusters alike.</summary>
public static class SiloBuilderExtensions
{
    private const string Invariant = "Npgsql";

    /// <summary>
    /// Membership, grain state ("sync-store", also the default) and reminders in PostgreSQL through Orleans'
    /// ADO.NET providers, all sharing the one <see cref="NpgsqlDataSource"/> registered here.
    /// </summary>
    public static ISiloBuilder UsePostgres(this ISiloBuilder silo, string connectionString)
    {
        silo.Services.AddNpgsqlDataSource(connectionString);
        silo.UseAdoNetClustering(options => options.Configure<NpgsqlDataSource>(static (o, dataSource) =>
        {
            o.Invariant = Invariant;
            o.DataSource = dataSource;
        }));
        silo.AddAdoNetGrainStorage(GrainStorage.Name, options => options.Configure<NpgsqlDataSource>(static (o, dataSource) =>
        {
            o.Invariant = Invariant;
            o.DataSource = dataSource;
        }));
        silo.AddAdoNetGrainStorageAsDefault(options => options.Configure<NpgsqlDataSource>(static (o, dataSource) =>
        {
            o.Invariant = Invariant;
            o.DataSource = dataSource;
        }));
        silo.UseAdoNetReminderService(options => options.Configure<NpgsqlDataSource>(static (o, dataSource) =>
        {
            o.Invariant = Invariant;
            o.DataSource = dataSource;
        }));
        return silo;
    }

    /// <summary>
    /// Failure detection tuned so that a silo killed with SIGKILL is declared dead in about 10–20 s on one machine:
    /// each silo probes its peers every <see cref="ClusterMembershipOptions.ProbeTimeout"/>, suspects a peer after
    /// <see cref="ClusterMembershipOptions.NumMissedProbesLimit"/> misses, and with two silos the survivor's vote suffices.
    /// Orleans' defaults (5 s × 3 probes, 10 s table refresh) are tuned for larger, noisier networks.
    /// </summary>
    public static ISiloBuilder UseFastFailureDetection(this ISiloBuilder silo)
    {
        silo.Configure<ClusterMembershipOptions>(static options =>
        {
            options.ProbeTimeout = TimeSpan.FromSeconds(2);
            options.NumMissedProbesLimit = 3;
            options.NumVotesForDeathDeclaration = 2;
            options.TableRefreshTimeout = TimeSpan.FromSeconds(5);
            options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(15);
            options.DefunctSiloCleanupPeriod = TimeSpan.FromMinutes(10);
            options.DefunctSiloExpiration = TimeSpan.FromDays(1);
        });
        return silo;
    }
}
