using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansSync.Sources;

public static class SourceServiceCollectionExtensions
{
    /// <summary>
    /// Registers a source kind (its own services registered by the caller). With <paramref name="isDefault"/>, it is the
    /// kind of every project, task and backfill stored before kinds were named; exactly one kind is.
    /// </summary>
    public static IServiceCollection AddSourceKind<TKind>(this IServiceCollection services, bool isDefault = false)
        where TKind : class, ISourceKind
    {
        services.TryAddSingleton<TKind>();
        services.AddSingleton<ISourceKind>(static sp => sp.GetRequiredService<TKind>());
        if (isDefault)
        {
            services.AddSingleton(new DefaultSourceKind(typeof(TKind)));
        }

        services.TryAddSingleton<SourceKinds>();
        return services;
    }
}
