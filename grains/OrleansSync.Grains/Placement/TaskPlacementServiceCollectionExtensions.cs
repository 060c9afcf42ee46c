using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansSync.Placement;

public static class TaskPlacementServiceCollectionExtensions
{
    /// <summary>Run slots per silo, the load board's publisher, and the placement of task grains.</summary>
    public static IServiceCollection AddTaskPlacement(this IServiceCollection services)
    {
        services.AddOptions<TaskPlacementOptions>().BindConfiguration(TaskPlacementOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TaskPlacementOptions>, TaskPlacementOptionsValidator>());
        services.AddSingleton<TaskSlots>();
        services.AddSingleton<TaskLoadView>();
        services.AddSingleton<TaskLoadPublisher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(static sp => sp.GetRequiredService<TaskLoadPublisher>());
        services.AddPlacementDirector<RunningTasksPlacement, RunningTasksPlacementDirector>();
        return services;
    }
}
