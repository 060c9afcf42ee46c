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
/// <param name="FollowsReviews">
/// A children task of a run that also reads reviews: it walks the reviews as that run's reviews task lands them, and
/// ends once that task has read all its lists.
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
    [property: Id(12)] bool FollowsReviews = false)
{
    /// <summary>Incremental, full or backfill: shown in <c>sync.progress.kind</c>, <c>watch</c> and <c>task list</c>.</summary>
    public SyncKind Kind => BackfillId is not null ? SyncKind.Backfill : Full ? SyncKind.Full : SyncKind.Incremental;
}
