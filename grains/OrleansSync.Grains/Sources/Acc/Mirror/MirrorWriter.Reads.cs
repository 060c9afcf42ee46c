using OrleansSync.Mirror;
using OrleansSync.Pipeline;

namespace OrleansSync.Sources.Acc.Mirror;

/// <summary>What the sync engine reads back from the mirror and its bookkeeping: reviews to visit, dead letters to retry, checkpoints.</summary>
public sealed partial class MirrorWriter
{
    /// <summary>
    /// Reviews of a project ordered by id after <paramref name="afterReviewId"/> (keyset paging), at most
    /// <paramref name="limit"/>: for a <c>--full</c> run (<paramref name="fullRunId"/>), all those its walk of
    /// <paramref name="stream"/> has not visited yet; else those whose children in <paramref name="stream"/> were never
    /// synced or were synced for an older updatedAt.
    /// </summary>
    public Task<IReadOnlyList<ReviewStamp>> ReviewsNeedingChildrenAsync(
        string projectId, string stream, string? fullRunId, string? afterReviewId, int limit, CancellationToken cancellationToken) =>
        ReviewChildQueries.NeedingChildrenAsync(dataSource, ProjectIds.Normalize(projectId), stream, fullRunId, afterReviewId, limit, cancellationToken);

    /// <summary>How many reviews after <paramref name="afterReviewId"/> <see cref="ReviewsNeedingChildrenAsync"/> would return in all.</summary>
    public Task<long> CountReviewsNeedingChildrenAsync(string projectId, string stream, string? fullRunId, string? afterReviewId, CancellationToken cancellationToken) =>
        ReviewChildQueries.CountNeedingChildrenAsync(dataSource, ProjectIds.Normalize(projectId), stream, fullRunId, afterReviewId, cancellationToken);

    /// <summary>
    /// The record keys of up to <paramref name="limit"/> open dead letters of a project's stream to retry, least
    /// recently retried first; each is stamped as retried now, so the next call takes the next ones.
    /// </summary>
    public Task<IReadOnlyList<string>> TakeDeadLettersToRetryAsync(string projectId, string stream, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        return DeadLetterRetries.TakeAsync(dataSource, ProjectIds.Normalize(projectId), stream, limit, timeProvider.GetUtcNow(), cancellationToken);
    }

    /// <summary>The checkpoint of a project's stream, or null when none was written.</summary>
    public Task<Checkpoint?> ReadCheckpointAsync(string projectId, string stream, CancellationToken cancellationToken) =>
        ReadCheckpointAsync(projectId, stream, scope: "", cancellationToken);

    /// <summary>The checkpoint of a project's stream in <paramref name="scope"/> (<c>""</c> the live one), or null when none was written.</summary>
    public Task<Checkpoint?> ReadCheckpointAsync(string projectId, string stream, string scope, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        ArgumentNullException.ThrowIfNull(scope);
        return CheckpointTable.ReadAsync(dataSource, ProjectIds.Normalize(projectId), stream, scope, cancellationToken);
    }
}
