using Orleans.Placement;

namespace OrleansSync.Placement;

/// <summary>Places a task grain on the active silo with the fewest running and queued tasks (<see cref="RunningTasksPlacementDirector"/>).</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("OrleansSync.Placement.RunningTasksPlacement")]
public sealed class RunningTasksPlacement : PlacementStrategy;

/// <summary>Marks a grain class as placed by <see cref="RunningTasksPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RunningTasksPlacementAttribute() : PlacementAttribute(new RunningTasksPlacement());
