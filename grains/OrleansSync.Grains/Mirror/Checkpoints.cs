using Npgsql;
using OrleansSync.Pipeline;

namespace OrleansSync.Mirror;

/// <summary>What the engine reads back of <c>sync.checkpoints</c>, whatever the source kind wrote it.</summary>
public sealed class Checkpoints(NpgsqlDataSource dataSource)
{
    /// <summary>The counters <paramref name="taskId"/>'s checkpoints committed (summed over its streams), or null when none is its.</summary>
    public Task<TaskCounters?> ReadTaskCountersAsync(string projectId, string taskId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        return CheckpointTable.TaskCountersAsync(dataSource, ProjectIds.Normalize(projectId), taskId, cancellationToken);
    }
}
