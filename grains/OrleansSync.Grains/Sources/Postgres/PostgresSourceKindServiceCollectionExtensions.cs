using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansSync.Sources.Postgres;

public static class PostgresSourceKindServiceCollectionExtensions
{
    /// <summary>The PostgreSQL source kind in a silo: its snapshot runner and its settings (<see cref="PostgresSourceOptions"/>).</summary>
    public static IServiceCollection AddPostgresSourceKind(this IServiceCollection services)
    {
        services.AddOptions<PostgresSourceOptions>().BindConfiguration(PostgresSourceOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresSourceOptions>, PostgresSourceOptionsValidator>());
        services.TryAddSingleton<SnapshotRunner>();
        return services.AddSourceKind<PostgresSourceKind>();
    }
}
