namespace OrleansSync.Tasks;

/// <summary>What a task is to do: one stream of one project, for one run (or one day of a backfill). Carries no secret.</summary>
/// <param name="TaskId">The task grain's key.</param>
/// <param name="ProjectId">The upstream project id, without the <c>b.</c> prefix.</param>
/// <param name="Stream">One of the stream names.</param>
/// <param name="RunId">The run (or backfill) it belongs to; its checkpoints carry it.</param>
/// <param name="Full">Read everything instead of from the high-water mark.</param>
/// <param name="BaseUrl">The upstream's base URL.</param>
/// <param name="ClientId">The OAuth client id.</param>
/// <param name="ClientSecretVariable">The environment variable holding the client secret on every silo.</param>
/// <param name="UserId">Sent as <c>x-user-id</c>.</param>
/// <param name="BackfillId">The backfill this task is a day of; null for a project's runs.</param>
/// <param name="From">A backfill day's first instant (inclusive, UTC): reviews whose updatedAt is in [From, Until).</param>
/// <param name="Until">A backfill day's end (exclusive, UTC).</param>
/// <param name="Source">
/// The project's source kind (<c>ProjectSpec.Source</c>). Null in a task stored before tasks named their kind: such a
/// task is of the default kind, the one every project had then.
/// </param>
/// <param name="SourceConnectionVariable">A <c>postgres</c> source's connection variable (<c>ProjectSpec.SourceConnectionVariable</c>); null otherwise.</param>
/// <param name="Mode">A <c>postgres</c> source's mode; null otherwise.</param>
/// <param name="TargetSchema">A <c>postgres</c> source's target schema; null otherwise.</param>
/// <param name="CursorColumn">A <c>postgres</c> source's cursor column in cursor mode (<c>ProjectSpec.CursorColumn</c>); null otherwise.</param>
/// <param name="LeaderTaskId">
/// The task of the same run whose stream this one follows, when the two run together and this one reads what the
/// leader lands as it lands (review children in an incremental run); null when the task runs on its own, or starts
/// only once its leader succeeded.
/// </param>
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
    [property: Id(8)] string? UserId,
    [property: Id(9)] string? BackfillId = null,
    [property: Id(10)] DateTimeOffset? From = null,
    [property: Id(11)] DateTimeOffset? Until = null,
    [property: Id(12)] string? Source = null,
    [property: Id(13)] string? SourceConnectionVariable = null,
    [property: Id(14)] string? Mode = null,
    [property: Id(15)] string? TargetSchema = null,
    [property: Id(17)] string? CursorColumn = null,
    [property: Id(18)] string? LeaderTaskId = null)
{
    /// <summary>Incremental, full or backfill: shown in <c>sync.progress.kind</c>, <c>watch</c> and <c>task list</c>.</summary>
    public SyncKind Kind => BackfillId is not null ? SyncKind.Backfill : Full ? SyncKind.Full : SyncKind.Incremental;
}
