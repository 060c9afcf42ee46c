using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;

namespace OrleansSync.Placement;

/// <summary>
/// Runs on the silo that first calls a task (its project's, mostly): picks the least loaded active silo from
/// <see cref="TaskLoadView"/>, so a silo that joins, having no tasks, takes the new ones. Or, when configured to, hands
/// the choice to one of Orleans' built-in directors (to measure them against ours).
/// </summary>
public sealed class RunningTasksPlacementDirector(TaskLoadView view, IOptions<TaskPlacementOptions> options, IServiceProvider services) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context) => options.Value.Strategy switch
    {
        TaskPlacementMode.ActivationCount => BuiltIn(new ActivationCountBasedPlacement(), target, context),
        TaskPlacementMode.ResourceOptimized => BuiltIn(new ResourceOptimizedPlacement(), target, context),
        TaskPlacementMode.Random => BuiltIn(new RandomPlacement(), target, context),
        _ => Task.FromResult(Choose(target, context)),
    };

    private SiloAddress Choose(PlacementTarget target, IPlacementContext context)
    {
        var candidates = context.GetCompatibleSilos(target);
        return IPlacementDirector.GetPlacementHint(target.RequestContextData, candidates) ?? view.Choose(candidates);
    }

    private Task<SiloAddress> BuiltIn(PlacementStrategy builtIn, PlacementTarget target, IPlacementContext context) =>
        services.GetRequiredKeyedService<IPlacementDirector>(builtIn.GetType()).OnAddActivation(builtIn, target, context);
}
