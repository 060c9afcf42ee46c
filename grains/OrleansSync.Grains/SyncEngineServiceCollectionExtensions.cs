using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansSync.Backfills;
using OrleansSync.Events;
using OrleansSync.Mirror;
using OrleansSync.Placement;
using OrleansSync.Progress;
using OrleansSync.Projects;
using OrleansSync.RateBudget;
using OrleansSync.Retention;
using OrleansSync.Runs;
using OrleansSync.Secrets;
using OrleansSync.Security;
using OrleansSync.Sources.Acc;
using OrleansSync.Sources.Postgres;
using OrleansSync.Tasks;
using OrleansSync.Telemetry;

namespace OrleansSync;

public static class SyncEngineServiceCollectionExtensions
{
    /// <summary>Everything the grains call: the source kinds, checkpoints, progress and history tables, the rate budget, placement.</summary>
    public static IServiceCollection AddSyncEngine(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddRateBudget();
        services.TryAddSingleton<Checkpoints>();

        // The source kinds, each from its own folder under Sources/. ACC's is the default: every project and task
        // stored before kinds were named is ACC's.
        services.AddAccSourceKind(isDefault: true);
        services.AddPostgresSourceKind();

        services.AddMetrics();
        services.AddSingleton<SyncMetrics>();
        services.AddSingleton<RunsTable>();
        services.AddSingleton<ProgressTable>();
        services.AddTaskPlacement();
        // Bookkeeping methods only silos may call ([SiloOnly]) refuse calls from clients.
        services.AddSingleton<IIncomingGrainCallFilter, SiloOnlyCallFilter>();
        // A call the grain directory cancelled while it recovers from a silo's death is a transient failure.
        services.AddSingleton<IOutgoingGrainCallFilter, Calls.RuntimeCancellationFilter>();
        // Validated at start: a bad value stops the silo naming the setting, instead of surfacing in the first task.
        services.AddOptions<SyncTaskOptions>().BindConfiguration(SyncTaskOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SyncTaskOptions>, SyncTaskOptionsValidator>());
        services.AddOptions<ProjectOptions>().BindConfiguration(ProjectOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProjectOptions>, ProjectOptionsValidator>());
        services.AddOptions<ProgressWriterOptions>().BindConfiguration(ProgressWriterOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProgressWriterOptions>, ProgressWriterOptionsValidator>());
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>());
        services.AddHostedService<RetentionStarter>();
        services.AddHostedService<DeadSiloTaskWaker>();
        services.AddOptions<SecretOptions>().BindConfiguration(SecretOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecretOptions>, SecretOptionsValidator>());
        services.TryAddSingleton(static sp =>
        {
            var secrets = sp.GetRequiredService<IOptions<SecretOptions>>().Value;
            return new DeclaredSecrets(secrets.Prefix, secrets.AllowedHosts, secrets.SiloOwn);
        });
        services.AddOptions<BackfillOptions>().BindConfiguration(BackfillOptions.Section).ValidateOnStart();
        services.AddOptions<EventOptions>().BindConfiguration(EventOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EventOptions>, EventOptionsValidator>());
        services.AddSingleton<EventPublisher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(static sp => sp.GetRequiredService<EventPublisher>());
        services.AddSingleton<EventRelay>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(static sp => sp.GetRequiredService<EventRelay>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BackfillOptions>, BackfillOptionsValidator>());
        return services;
    }
}
