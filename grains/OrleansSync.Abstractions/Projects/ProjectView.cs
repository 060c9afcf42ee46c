namespace OrleansSync.Projects;

/// <summary>A project as the CLI and the HTTP API show it. Holds no secret: only the variable's name.</summary>
[GenerateSerializer, Immutable, Alias("OrleansSync.Projects.ProjectView")]
public sealed record class ProjectView(
    [property: Id(0)] ProjectSpec Spec,
    [property: Id(1)] bool Paused,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] RunView? CurrentRun,
    [property: Id(4)] RunView? LastRun);
