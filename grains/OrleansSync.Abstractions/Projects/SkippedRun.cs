namespace OrleansSync.Projects;

/// <summary>A run that did not start: when, what asked for it, and why not.</summary>
[GenerateSerializer, Immutable, Alias("OrleansSync.Projects.SkippedRun")]
public sealed record class SkippedRun(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Trigger,
    [property: Id(2)] string Reason);
