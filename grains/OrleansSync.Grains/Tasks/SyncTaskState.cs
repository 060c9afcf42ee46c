using OrleansSync.Resilience;

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

    /// <summary>The project has acknowledged the terminal status; until then the task keeps telling it.</summary>
    [Id(9)]
    public bool ProjectNotified { get; set; }

    [Id(10)]
    public string? Silo { get; set; }

    /// <summary>While <see cref="SyncTaskStatus.Waiting"/>: when the next run is due (a retry, or the breaker's probe).</summary>
    [Id(11)]
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>Consecutive failed runs (a landed page resets them) open it; while open the task waits and calls nothing.</summary>
    [Id(13)]
    public BreakerState Breaker { get; set; } = new();

    /// <summary>A cancel was asked for: it wins over any retry or probe that is due.</summary>
    [Id(14)]
    public bool CancelRequested { get; set; }

    /// <summary>Times the watchdog found the task without progress and restarted it from its checkpoint.</summary>
    [Id(15)]
    public int HungRestarts { get; set; }
}
