namespace OrleansSync.Tasks;

[GenerateSerializer, Alias("OrleansSync.Tasks.SyncTaskState")]
public sealed class SyncTaskState
{
    [Id(0)]
    public SyncTaskSpec? Spec { get; set; }

    [Id(1)]
    public SyncTaskStatus Status { get; set; }

    [Id(2)]
    public TaskProgress Progress { get; set; } = TaskProgress.Zero;

    [Id(3)]
    public DateTimeOffset? StartedAt { get; set; }

    [Id(4)]
    public DateTimeOffset UpdatedAt { get; set; }

    [Id(5)]
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Runs of the stream so far, the first included.</summary>
    [Id(6)]
    public int Attempts { get; set; }

    [Id(7)]
    public List<TaskError> Errors { get; set; } = [];

    /// <summary>Rises with every report, so a late progress write never overwrites a newer one.</summary>
    [Id(8)]
    public long Sequence { get; set; }

    /// <summary>The project has acknowledged the terminal status; until then the watchdog keeps telling it.</summary>
    [Id(9)]
    public bool ProjectNotified { get; set; }

    [Id(10)]
    public string? Silo { get; set; }

    /// <summary>When the retry after a failure is due (UTC), while the task waits for it.</summary>
    [Id(11)]
    public DateTimeOffset? RetryAt { get; set; }

    /// <summary>
    /// Failed runs since the last landed page: what trips the task (at <see cref="SyncTaskOptions.MaxAttempts"/>) and
    /// sets its backoff. A run that lands pages before failing resets it, so a long stream through a flaky upstream
    /// keeps going while an upstream that refuses everything fails the task quickly.
    /// </summary>
    [Id(12)]
    public int ConsecutiveFailures { get; set; }
}
