using OrleansSync.Tasks;

namespace OrleansSync.Projects;

/// <summary>One run of a project: the tasks it started (or will start) and how it ended.</summary>
/// <summary>One run of a project: its tasks, and how it ended.</summary>
[GenerateSerializer, Immutable, Alias("OrleansSync.Projects.RunView")]
public sealed record class RunView(
    [property: Id(0)] string RunId,
    [property: Id(1)] string ProjectId,
    [property: Id(2)] bool Full,
    [property: Id(3)] string Trigger,
    [property: Id(4)] DateTimeOffset StartedAt,
    [property: Id(5)] DateTimeOffset? FinishedAt,
    [property: Id(6)] SyncTaskStatus Status,
    [property: Id(7)] IReadOnlyList<TaskRef> Tasks,
    // Why the run ended without its tasks, when PostgreSQL refused its bookkeeping for good.
    [property: Id(8)] string? Error = null);
