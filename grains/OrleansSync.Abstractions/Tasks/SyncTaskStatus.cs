namespace OrleansSync.Tasks;

/// <summary>A task's (and a run's) lifecycle. Stored as lower-case text in <c>sync.progress.status</c>.</summary>
[GenerateSerializer, Alias("OrleansSync.Tasks.SyncTaskStatus")]
public enum SyncTaskStatus
{
    Pending = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
    Cancelled = 4,

    /// <summary>Not calling upstream: a retry is due, or the task's circuit breaker is open until its next probe.</summary>
    Waiting = 5,

    /// <summary>Ready to run, waiting for a free slot on its silo (each silo runs a limited number of tasks at once).</summary>
    Queued = 6,

    /// <summary>Stopped at a page boundary by request, its checkpoint kept; <c>task resume</c> continues from it.</summary>
    Paused = 7,
}
