using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansSync.Sources.Postgres.Cursor;

namespace OrleansSync.Sources.Postgres;

public static class PostgresSourceKindServiceCollectionExtensions
{
    /// <summary>The PostgreSQL source kind in a silo: its runners (one per mode) and its settings (<see cref="PostgresSourceOptions"/>).</summary>
    public static IServiceCollection AddPostgresSourceKind(this IServiceCollection services)
    {
        services.AddOptions<PostgresSourceOptions>().BindConfiguration(PostgresSourceOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresSourceOptions>, PostgresSourceOptionsValidator>());
        services.AddOptions<Cdc.CdcOptions>().BindConfiguration(Cdc.CdcOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Cdc.CdcOptions>, Cdc.CdcOptionsValidator>());
        services.TryAddSingleton<SnapshotRunner>();
        services.TryAddSingleton<CursorRunner>();
        services.TryAddSingleton<Cdc.CdcRunner>();
        services.TryAddSingleton<PostgresModeRunner>();
        return services.AddSourceKind<PostgresSourceKind>();
    }
}
