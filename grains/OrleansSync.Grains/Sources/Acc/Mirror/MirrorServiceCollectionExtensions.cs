using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansSync.Sources.Acc.Mirror;

public static class MirrorServiceCollectionExtensions
{
    /// <summary>Registers <see cref="MirrorWriter"/>; the host registers the <c>NpgsqlDataSource</c> it writes to.</summary>
    public static IServiceCollection AddMirrorWriter(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MirrorWriter>();
        return services;
    }
}
