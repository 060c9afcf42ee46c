using System.Text.Json;
using OrleansSync.Pipeline;

namespace OrleansSync.Mirror;

/// <summary>
/// Lands upstream pages in the <c>acc</c> mirror tables. Each write is one transaction holding the page's records, its
/// dead letters and the optional checkpoint: all of it commits, or none. Records arrive exactly as received; bad ones
/// go to <c>sync.dead_letters</c> with their reason while the rest of the page lands. An older record never overwrites a
/// newer one, and a record equal to the stored one leaves its row untouched (counted unchanged). Project and account ids
/// may carry the <c>b.</c> prefix; mirrors store them without it.
/// </summary>
public interface IMirrorWriter
{
    /// <summary>Upserts a page of workflows into <c>acc.workflows</c>.</summary>
    Task<PageWriteResult> WriteWorkflowsAsync(
        string projectId, IReadOnlyList<JsonElement> records, Checkpoint? checkpoint, string taskId, CancellationToken cancellationToken);

    /// <summary>Upserts a page of reviews into <c>acc.reviews</c>; also returns the reviews it inserted or updated.</summary>
    Task<ReviewPageWriteResult> WriteReviewsAsync(
        string projectId, IReadOnlyList<JsonElement> records, Checkpoint? checkpoint, string taskId, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces all children of one review in <paramref name="stream"/> (<see cref="StreamNames.ReviewVersions"/>, keyed by
    /// urn, or <see cref="StreamNames.ReviewProgress"/>, keyed by position, 0 the newest) with <paramref name="records"/>,
    /// the review's whole list, and records on <c>acc.reviews</c> that they are synced for <paramref name="reviewUpdatedAt"/>.
    /// Nothing is replaced when the stored children are from a newer review updatedAt; the page then counts as unchanged.
    /// Counts are relative to the stored set: a new key is inserted, a key whose record differs is updated, the rest are
    /// unchanged (an identical set is all unchanged); stored keys missing from the new set are deleted and not counted.
    /// </summary>
    Task<PageWriteResult> ReplaceReviewChildrenAsync(
        string projectId,
        string stream,
        string reviewId,
        DateTimeOffset reviewUpdatedAt,
        IReadOnlyList<JsonElement> records,
        Checkpoint? checkpoint,
        string taskId,
        CancellationToken cancellationToken);

    /// <summary>
    /// Reviews of a project ordered by id after <paramref name="afterReviewId"/> (keyset paging), at most
    /// <paramref name="limit"/>: all of them when <paramref name="all"/>, else those whose children in
    /// <paramref name="stream"/> were never synced or were synced for an older updatedAt.
    /// </summary>
    Task<IReadOnlyList<ReviewStamp>> ReviewsNeedingChildrenAsync(
        string projectId, string stream, bool all, string? afterReviewId, int limit, CancellationToken cancellationToken);

    /// <summary>Upserts a page of an account's projects (admin API) into <c>acc.projects</c>.</summary>
    Task<PageWriteResult> WriteProjectsAsync(
        string accountId, IReadOnlyList<JsonElement> records, Checkpoint? checkpoint, string taskId, CancellationToken cancellationToken);

    /// <summary>The checkpoint of a project's stream and scope, or null when none was written.</summary>
    Task<Checkpoint?> ReadCheckpointAsync(string projectId, string stream, string scope, CancellationToken cancellationToken);

    /// <summary>Writes a checkpoint alone, for a cursor that moves without records.</summary>
    Task WriteCheckpointAsync(Checkpoint checkpoint, CancellationToken cancellationToken);
}
