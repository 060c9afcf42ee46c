namespace OrleansSync.Tasks;

/// <summary>What a task is to do: one stream of one project, for one run. Carries no secret.</summary>
[GenerateSerializer, Immutable, Alias("OrleansSync.Tasks.SyncTaskSpec")]
public sealed record class SyncTaskSpec(
    [property: Id(0)] string TaskId,
    [property: Id(1)] string ProjectId,
    [property: Id(2)] string Stream,
    [property: Id(3)] string RunId,
    [property: Id(4)] bool Full,
    [property: Id(5)] string BaseUrl,
    [property: Id(6)] string ClientId,
    [property: Id(7)] string ClientSecretVariable,
    [property: Id(8)] string? UserId);
