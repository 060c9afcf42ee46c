using System.Diagnostics.CodeAnalysis;
using OrleansSync.Resilience;
using OrleansSync.Tasks;

namespace OrleansSync.Projects;

[GenerateSerializer, Alias("OrleansSync.Projects.ProjectState")]
public sealed class ProjectState
{
    [Id(0)]
    public ProjectSpec? Spec { get; set; }

    [Id(1)]
    public bool Paused { get; set; }

    [Id(2)]
    public DateTimeOffset CreatedAt { get; set; }

    [Id(3)]
    public RunState? CurrentRun { get; set; }

    [Id(4)]
    public RunView? LastRun { get; set; }

    /// <summary>Fed by runs: consecutive failed runs open it, and while open scheduled ticks are skipped.</summary>
    [Id(5)]
    public BreakerState Breaker { get; set; } = new();

    [Id(6)]
    public SkippedRun? LastSkip { get; set; }

    /// <summary>Where the schedule's reminder stands; null without <c>--every</c>.</summary>
    [Id(7)]
    public ScheduleState? Schedule { get; set; }

    /// <summary>
    /// The finished runs before <see cref="LastRun"/>, newest first, at most <see cref="EarlierRunsKept"/>: a client
    /// waiting for its run still finds it when a scheduled tick has started another since (null in state stored before).
    /// </summary>
    [Id(8)]
    public List<RunView>? EarlierRuns { get; set; }

    public const int EarlierRunsKept = 10;

    /// <summary>Makes <paramref name="finished"/> the last run; the one before moves to <see cref="EarlierRuns"/>.</summary>
    [MemberNotNull(nameof(LastRun))]
    public void Finished(RunView finished)
    {
        if (LastRun is { } previous && previous.RunId != finished.RunId)
        {
            EarlierRuns ??= [];
            EarlierRuns.Insert(0, previous);
            if (EarlierRuns.Count > EarlierRunsKept)
            {
                EarlierRuns.RemoveRange(EarlierRunsKept, EarlierRuns.Count - EarlierRunsKept);
            }
        }

        LastRun = finished;
    }

    /// <summary>The finished run <paramref name="runId"/>, if it is the last or one of the earlier runs kept.</summary>
    public RunView? FinishedRun(string runId) =>
        LastRun is { } last && last.RunId == runId ? last : EarlierRuns?.Find(r => r.RunId == runId);
}

[GenerateSerializer, Alias("OrleansSync.Projects.RunState")]
public sealed class RunState
{
    [Id(0)]
    public string RunId { get; set; } = "";

    [Id(1)]
    public bool Full { get; set; }

    [Id(2)]
    public string Trigger { get; set; } = "";

    [Id(3)]
    public DateTimeOffset StartedAt { get; set; }

    [Id(4)]
    public List<RunTaskState> Tasks { get; set; } = [];

    /// <summary>The run's <c>sync.runs</c> row exists. Each bookkeeping step is recorded once done, and retried until it is.</summary>
    [Id(5)]
    public bool HistoryOpened { get; set; }

    /// <summary>Why the run started, beyond its trigger (a catch-up says how many ticks it stands for).</summary>
    [Id(6)]
    public string? Reason { get; set; }

    /// <summary>When the schedule tick that started it was due; null for runs asked for.</summary>
    [Id(7)]
    public DateTimeOffset? DueAt { get; set; }

    public bool AllTerminal => Tasks.All(static t => t.IsTerminal);

    public RunView ToView(string projectId, SyncTaskStatus status, DateTimeOffset? finishedAt) =>
        new(RunId, projectId, Full, Trigger, StartedAt, finishedAt, status, [.. Tasks.Select(static t => new TaskRef(t.TaskId, t.Stream, t.Status))]);
}

[GenerateSerializer, Alias("OrleansSync.Projects.RunTaskState")]
public sealed class RunTaskState : IStartedTask
{
    [Id(0)]
    public string TaskId { get; set; } = "";

    [Id(1)]
    public string Stream { get; set; } = "";

    [Id(2)]
    public SyncTaskStatus Status { get; set; }

    /// <summary>The task grain confirmed its start. Children wait for their run's reviews task and start later.</summary>
    [Id(3)]
    public bool Started { get; set; }

    /// <summary>What the task reported when it ended: the run's totals are summed from these.</summary>
    [Id(4)]
    public TaskView? Final { get; set; }

    public bool IsTerminal => Status.IsTerminal();
}
