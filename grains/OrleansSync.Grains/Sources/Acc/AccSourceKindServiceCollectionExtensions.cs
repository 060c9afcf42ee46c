using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansSync.Sources.Acc.Client;
using OrleansSync.Sources.Acc.Mirror;
using OrleansSync.Sources.Acc.Streams;

namespace OrleansSync.Sources.Acc;

public static class AccSourceKindServiceCollectionExtensions
{
    /// <summary>
    /// The ACC source kind in a silo: its client (<see cref="AccSourceServiceCollectionExtensions.AddAccSource"/>) with one
    /// token per credential and lifetime for the whole cluster, its mirror writer, its stream runners and their
    /// settings (<see cref="StreamOptions"/>).
    /// </summary>
    public static IServiceCollection AddAccSourceKind(this IServiceCollection services, bool isDefault = false)
    {
        services.AddAccSource();
        services.Replace(ServiceDescriptor.Singleton<IAccTokenIssuer, AccClusterTokenIssuer>());
        services.AddMirrorWriter();
        services.AddOptions<StreamOptions>().BindConfiguration(StreamOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StreamOptions>, StreamOptionsValidator>());
        services.TryAddSingleton<ListPhaseReader>();
        services.TryAddSingleton<ReviewDeadLetterRetry>();
        services.TryAddSingleton<WorkflowsRunner>();
        services.TryAddSingleton<ReviewsRunner>();
        services.TryAddSingleton<BackfillDayRunner>();
        return services.AddSourceKind<AccSourceKind>(isDefault);
    }
}
