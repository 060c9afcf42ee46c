using OrleansSync.Tasks;

namespace OrleansSync.Backfills;

[GenerateSerializer, Alias("OrleansSync.Backfills.BackfillState")]
public sealed class BackfillState
{
    [Id(0)]
    public BackfillRequest? Request { get; set; }

    /// <summary>The project's source settings when the backfill started: every day reads with the same ones.</summary>
    [Id(1)]
    public string BaseUrl { get; set; } = "";

    [Id(2)]
    public string ClientId { get; set; } = "";

    [Id(3)]
    public string ClientSecretVariable { get; set; } = "";

    [Id(4)]
    public string? UserId { get; set; }

    [Id(5)]
    public DateTimeOffset StartedAt { get; set; }

    [Id(6)]
    public DateTimeOffset? FinishedAt { get; set; }

    [Id(7)]
    public SyncTaskStatus Status { get; set; }

    /// <summary>Its <c>sync.runs</c> row says it runs. Each bookkeeping step is recorded once done, and retried until it is.</summary>
    [Id(8)]
    public bool HistoryOpened { get; set; }

    [Id(9)]
    public List<BackfillDayState> Days { get; set; } = [];

    /// <summary>Why the backfill ended early: PostgreSQL refused its bookkeeping for good.</summary>
    [Id(10)]
    public string? Error { get; set; }

    /// <summary>The project's source kind when the backfill started; null in a backfill stored before kinds were named (the default kind's).</summary>
    [Id(11)]
    public string? Source { get; set; }

    public bool AllTerminal => Days.All(static d => d.Status.IsTerminal());
}

[GenerateSerializer, Alias("OrleansSync.Backfills.BackfillDayState")]
public sealed class BackfillDayState : IStartedTask
{
    [Id(0)]
    public DateOnly Day { get; set; }

    /// <summary>Tasks made for the day so far (its first run, then one per retry); the current one's id follows from it.</summary>
    [Id(1)]
    public int Attempt { get; set; }

    [Id(2)]
    public string? TaskId { get; set; }

    /// <summary>The current task confirmed its start.</summary>
    [Id(3)]
    public bool Started { get; set; }

    [Id(4)]
    public SyncTaskStatus Status { get; set; }

    [Id(5)]
    public TaskView? Final { get; set; }

    public BackfillDayView ToView() => new(Day, Status, TaskId, Attempt, Final);
}
