namespace OrleansSync.Tasks;

/// <summary>A task of a run, by id and stream, with the status its project last heard (Pending until it starts).</summary>
[GenerateSerializer, Immutable, Alias("OrleansSync.Tasks.TaskRef")]
public sealed record class TaskRef([property: Id(0)] string TaskId, [property: Id(1)] string Stream, [property: Id(2)] SyncTaskStatus Status);
