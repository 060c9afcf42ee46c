using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansSync.Placement;

/// <summary>Where task grains activate and how many run at once on a silo. Section <c>OrleansSync:Placement</c>, validated at start.</summary>
public sealed class TaskPlacementOptions
{
    public const string Section = "OrleansSync:Placement";

    /// <summary>
    /// Tasks that run at once on this silo; more wait, <see cref="Tasks.SyncTaskStatus.Queued"/>, and start first come
    /// first served as slots free. Default: twice the processor count.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxRunningPerSilo { get; set; } = 2 * Environment.ProcessorCount;

    /// <summary>
    /// How a new task activation picks its silo. <see cref="TaskPlacementMode.RunningTasks"/> (ours) was measured to
    /// spread running tasks best; the built-in strategies stay selectable to measure them again.
    /// </summary>
    public TaskPlacementMode Strategy { get; set; } = TaskPlacementMode.RunningTasks;

    /// <summary>How often each silo publishes its running and queued tasks to the cluster, and reads the others'.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan LoadRefreshPeriod { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>The placement of task grains: ours, or one of Orleans' built-in strategies.</summary>
public enum TaskPlacementMode
{
    /// <summary>The silo with the fewest running and queued tasks (cluster-wide view, refreshed every <see cref="TaskPlacementOptions.LoadRefreshPeriod"/>).</summary>
    RunningTasks,

    /// <summary>Orleans' <c>ActivationCountBasedPlacement</c>: the fewest recently used activations of any grain type, out of two picked at random.</summary>
    ActivationCount,

    /// <summary>Orleans' default, <c>ResourceOptimizedPlacement</c>: CPU and memory, which silos on one machine share.</summary>
    ResourceOptimized,

    /// <summary>Orleans' <c>RandomPlacement</c>.</summary>
    Random,
}

/// <summary>Checks the <see cref="RangeAttribute"/>s above at start, without reflection.</summary>
[OptionsValidator]
public sealed partial class TaskPlacementOptionsValidator : IValidateOptions<TaskPlacementOptions>;
