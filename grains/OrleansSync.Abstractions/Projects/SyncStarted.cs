namespace OrleansSync.Projects;

/// <summary>The answer to a sync request: the run now in progress, and whether this request started it.</summary>
[GenerateSerializer, Immutable, Alias("OrleansSync.Projects.SyncStarted")]
public sealed record class SyncStarted(
    [property: Id(0)] RunView Run,
    [property: Id(1)] bool AlreadyRunning);
