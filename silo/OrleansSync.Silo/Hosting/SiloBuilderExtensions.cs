using Npgsql;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansSync.Projects;
using OrleansSync.Tasks;

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
        silo.Services.AddSyncEngine();
        silo.UseAdoNetClustering(options => options.Configure<NpgsqlDataSource>(static (o, dataSource) =>
        {
            o.Invariant = Invariant;
            o.DataSource = dataSource;
        }));
        silo.AddAdoNetGrainStorage(GrainStorage.Name, ConfigureStorage);
        silo.AddAdoNetGrainStorageAsDefault(ConfigureStorage);
        silo.UseAdoNetReminderService(options => options.Configure<NpgsqlDataSource>(static (o, dataSource) =>
        {
            o.Invariant = Invariant;
            o.DataSource = dataSource;
        }));
        return silo;
    }

    /// <summary>
    /// Orleans' strongly consistent in-cluster grain directory in place of its default, eventually consistent one. When
    /// a silo dies, the default directory deactivates every activation on the survivors whose registration the dead
    /// silo held (about a third of a three-silo cluster's): a running task loses the lists it had fetched and not yet
    /// landed, and fetches them again. This one recovers the dead silo's registrations from the survivors instead, and
    /// keeps one activation per grain while membership changes (Sync/DirectoryHolderKillTests).
    /// </summary>
    public static ISiloBuilder UseSingleActivationDirectory(this ISiloBuilder silo)
    {
#pragma warning disable ORLEANSEXP003 // Experimental in Orleans 10.4.2; the default directory costs re-fetches on every silo death.
        silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        return silo;
    }

    /// <summary>
    /// Grain state is written with Orleans' own serializer, not the provider's default JSON: our state types are
    /// <c>[GenerateSerializer]</c> contracts with stable ids, so they stay readable as they evolve (and records with
    /// constructor parameters round-trip, which Newtonsoft's JSON does not promise).
    /// </summary>
    private static void ConfigureStorage(OptionsBuilder<AdoNetGrainStorageOptions> options) =>
        options.Configure<NpgsqlDataSource, Serializer>(static (o, dataSource, serializer) =>
        {
            o.Invariant = Invariant;
            o.DataSource = dataSource;
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        });

    /// <summary>
    /// Lets reminders tick as often as <c>OrleansSync:Tasks:WatchdogPeriod</c> and <c>OrleansSync:Projects:MinimumEvery</c>
    /// ask (Orleans' floor is one minute), so a test cluster can resume a task of a killed silo, or run a schedule, in
    /// seconds. It only ever lowers the floor; production keeps the one-minute defaults.
    /// </summary>
    public static ISiloBuilder UseReminderFloorFromConfiguration(this ISiloBuilder silo)
    {
        var watchdog = silo.Configuration.GetSection(SyncTaskOptions.Section).Get<SyncTaskOptions>()?.WatchdogPeriod;
        var every = silo.Configuration.GetSection(ProjectOptions.Section).Get<ProjectOptions>()?.MinimumEvery;
        var floor = new[] { watchdog, every }.OfType<TimeSpan>().DefaultIfEmpty(TimeSpan.MaxValue).Min();
        if (floor < TimeSpan.FromMinutes(1))
        {
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = floor < o.MinimumReminderPeriod ? floor : o.MinimumReminderPeriod);
        }

        return silo;
    }
}
