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

    public bool AllTerminal => Tasks.All(static t => t.IsTerminal);

    public RunView ToView(string projectId, SyncTaskStatus status, DateTimeOffset? finishedAt) =>
        new(RunId, projectId, Full, Trigger, StartedAt, finishedAt, status, [.. Tasks.Select(static t => new TaskRef(t.TaskId, t.Stream, t.Status))]);
}

[GenerateSerializer, Alias("OrleansSync.Projects.RunTaskState")]
public sealed class RunTaskState
{
    [Id(0)]
    public string TaskId { get; set; } = "";

    [Id(1)]
    public string Stream { get; set; } = "";

    [Id(2)]
    public SyncTaskStatus Status { get; set; }

    /// <summary>Children tasks wait for their run's reviews task; they are created Pending and started later.</summary>
    [Id(3)]
    public bool Started { get; set; }

    public bool IsTerminal => Status is SyncTaskStatus.Succeeded or SyncTaskStatus.Failed or SyncTaskStatus.Cancelled;
}
