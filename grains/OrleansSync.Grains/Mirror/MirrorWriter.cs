using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrleansSync.Pipeline;

namespace OrleansSync.Mirror;

/// <summary>
/// Lands upstream pages in the <c>acc</c> mirror tables. Each write is one transaction holding the page's records, its
/// dead letters and the optional checkpoint: all of it commits, or none. Records arrive exactly as received; bad ones
/// go to <c>sync.dead_letters</c> with their reason while the rest of the page lands. An older record never overwrites a
/// newer one, and a record equal to the stored one leaves its row untouched (counted unchanged). Project ids may carry the <c>b.</c> prefix; mirrors store them without it.
/// The writes go through one set-based statement per table (the <c>*Table</c> classes) in one transaction
/// (<see cref="PageTransaction"/>); <c>synced_at</c>, checkpoint and dead-letter times come from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class MirrorWriter(NpgsqlDataSource dataSource, TimeProvider timeProvider, ILogger<MirrorWriter> logger)
{
    /// <summary>Upserts a page of workflows into <c>acc.workflows</c>.</summary>
    public async Task<PageWriteResult> WriteWorkflowsAsync(
        string projectId, IReadOnlyList<JsonElement> records, Checkpoint? checkpoint, string taskId, CancellationToken cancellationToken)
    {
        projectId = Prepare(projectId, StreamNames.Workflows, checkpoint, taskId);
        var page = WorkflowRecords.Map(records);
        var now = timeProvider.GetUtcNow();
        var upsert = page.Rows.Count == 0 ? null : WorkflowTable.Upsert(projectId, page.Rows, now);
        var resolve = DeadLetterTable.Resolve(projectId, StreamNames.Workflows, [.. page.Rows.Select(static r => r.WorkflowId)], now);
        var written = await UpsertPageAsync(projectId, StreamNames.Workflows, taskId, upsert, resolve, page.Valid, page.DeadLetters, checkpoint, now, cancellationToken);
        return Report(StreamNames.Workflows, projectId, taskId, written.ToResult(page.Valid, page.DeadLetters.Count));
    }

    /// <summary>Upserts a page of reviews into <c>acc.reviews</c>; also returns the reviews it inserted or updated.</summary>
    public async Task<ReviewPageWriteResult> WriteReviewsAsync(
        string projectId, IReadOnlyList<JsonElement> records, Checkpoint? checkpoint, string taskId, CancellationToken cancellationToken)
    {
        projectId = Prepare(projectId, StreamNames.Reviews, checkpoint, taskId);
        var page = ReviewRecords.Map(records);
        var now = timeProvider.GetUtcNow();
        var upsert = page.Rows.Count == 0 ? null : ReviewTable.Upsert(projectId, page.Rows, now);
        var resolve = DeadLetterTable.Resolve(projectId, StreamNames.Reviews, [.. page.Rows.Select(static r => r.ReviewId)], now);
        var written = await UpsertPageAsync(projectId, StreamNames.Reviews, taskId, upsert, resolve, page.Valid, page.DeadLetters, checkpoint, now, cancellationToken);
        var result = Report(StreamNames.Reviews, projectId, taskId, written.ToResult(page.Valid, page.DeadLetters.Count));
        return new ReviewPageWriteResult(result, written.Changed);
    }

    /// <summary>
    /// Replaces all children of one review in <paramref name="stream"/> (<see cref="StreamNames.ReviewVersions"/>, keyed by
    /// urn, or <see cref="StreamNames.ReviewProgress"/>, keyed by position, 0 the newest) with <paramref name="records"/>,
    /// the review's whole list, and records on <c>acc.reviews</c> that they are synced for <paramref name="reviewUpdatedAt"/>.
    /// Nothing is replaced when the stored children are from a newer review updatedAt; the page then counts as unchanged.
    /// Counts are relative to the stored set: a new key is inserted, a key whose record differs is updated, the rest are
    /// unchanged (an identical set is all unchanged); stored keys missing from the new set are deleted and not counted.
    /// A list with a malformed child is not whole: its valid children land, nothing is deleted, and the review's marker
    /// is cleared, so the next run (incremental too) reads it again.
    /// </summary>
    public async Task<PageWriteResult> ReplaceReviewChildrenAsync(
        string projectId,
        string stream,
        string reviewId,
        DateTimeOffset reviewUpdatedAt,
        IReadOnlyList<JsonElement> records,
        Checkpoint? checkpoint,
        string taskId,
        CancellationToken cancellationToken)
    {
        projectId = Prepare(projectId, stream, checkpoint, taskId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewId);
        var now = timeProvider.GetUtcNow();
        // One malformed child makes the list not whole: what it holds lands, but it proves no stored child gone.
        var (replace, landedKeys, valid, deadLetters) = stream switch
        {
            StreamNames.ReviewVersions when ReviewChildRecords.MapVersions(reviewId, records) is var page =>
                (ReviewChildTables.ReplaceVersions(projectId, reviewId, reviewUpdatedAt, page.Rows, page.DeadLetters.Count == 0, now),
                    page.Rows.Select(static r => r.Key).ToList(), page.Valid, page.DeadLetters),
            StreamNames.ReviewProgress when ReviewChildRecords.MapProgress(reviewId, records) is var page =>
                (ReviewChildTables.ReplaceProgress(projectId, reviewId, reviewUpdatedAt, page.Rows, page.DeadLetters.Count == 0, now),
                    page.Rows.Select(static r => r.Key).ToList(), page.Valid, page.DeadLetters),
            _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "Children are review_versions or review_progress."),
        };

        // The review's list was read: an earlier dead letter naming the review (its endpoint failed) is resolved, and
        // so are those of the children that landed (all of them, when the list is whole).
        List<NpgsqlBatchCommand> commands =
        [
            ReviewChildTables.Lock(stream, projectId, reviewId),
            replace,
            DeadLetterTable.ResolveReviewChildren(projectId, stream, reviewId, landedKeys, deadLetters.Count == 0, now),
        ];
        AddDeadLetters(commands, projectId, stream, taskId, deadLetters, now);
        var (applied, inserted, updated, removed) = await PageTransaction.RunAsync(
            dataSource,
            commands,
            checkpoint,
            static async (reader, ct) =>
            {
                await reader.NextResultAsync(ct); // past the lock's result
                return await ReviewChildTables.ReadAsync(reader, ct);
            },
            written => new PageWriteResult(written.Inserted, written.Updated, valid - written.Inserted - written.Updated, deadLetters.Count),
            now,
            cancellationToken);

        if (applied)
        {
            MirrorLog.LogDebugChildrenReplaced(logger, stream, reviewId, projectId, removed);
        }
        else
        {
            MirrorLog.LogDebugChildrenKept(logger, stream, reviewId, projectId);
        }

        return Report(stream, projectId, taskId, new PageWriteResult(inserted, updated, valid - inserted - updated, deadLetters.Count));
    }

    /// <summary>
    /// Records that a review's children could not be read (its endpoint kept answering garbage): one dead letter
    /// naming the review, the endpoint and the reason, committed with the checkpoint so the task goes on with the next
    /// review. The review's stored children stay; its marker is cleared, so the next run, incremental too, asks again.
    /// </summary>
    public async Task<PageWriteResult> DeadLetterReviewChildrenAsync(
        string projectId, string stream, string reviewId, string endpoint, string reason, Checkpoint? checkpoint, string taskId, CancellationToken cancellationToken)
    {
        projectId = Prepare(projectId, stream, checkpoint, taskId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewId);
        // The dead letter's identity is its raw text: naming the review and endpoint keeps two reviews' failures apart.
        var raw = JsonSerializer.Serialize(new { reviewId, endpoint, reason = StorableText.Clean(reason) });
        var deadLetter = new DeadLetter(reviewId, raw, $"review {reviewId}: {reason}");
        await UpsertPageAsync(
            projectId, stream, taskId, null, ReviewChildTables.Unmark(stream, projectId, reviewId), 0, [deadLetter], checkpoint, timeProvider.GetUtcNow(), cancellationToken);
        return Report(stream, projectId, taskId, new PageWriteResult(0, 0, 0, 1));
    }

    /// <summary>
    /// Reviews of a project ordered by id after <paramref name="afterReviewId"/> (keyset paging), at most
    /// <paramref name="limit"/>: all of them when <paramref name="all"/>, else those whose children in
    /// <paramref name="stream"/> were never synced or were synced for an older updatedAt.
    /// </summary>
    public Task<IReadOnlyList<ReviewStamp>> ReviewsNeedingChildrenAsync(
        string projectId, string stream, bool all, string? afterReviewId, int limit, CancellationToken cancellationToken) =>
        ReviewChildQueries.NeedingChildrenAsync(dataSource, ProjectIds.Normalize(projectId), stream, all, afterReviewId, limit, cancellationToken);

    /// <summary>How many reviews after <paramref name="afterReviewId"/> <see cref="ReviewsNeedingChildrenAsync"/> would return in all.</summary>
    public Task<long> CountReviewsNeedingChildrenAsync(string projectId, string stream, bool all, string? afterReviewId, CancellationToken cancellationToken) =>
        ReviewChildQueries.CountNeedingChildrenAsync(dataSource, ProjectIds.Normalize(projectId), stream, all, afterReviewId, cancellationToken);

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

    /// <summary>The counters <paramref name="taskId"/>'s checkpoints committed (summed over its streams), or null when none is its.</summary>
    public Task<TaskCounters?> ReadTaskCountersAsync(string projectId, string taskId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        return CheckpointTable.TaskCountersAsync(dataSource, ProjectIds.Normalize(projectId), taskId, cancellationToken);
    }

    /// <summary>
    /// Writes a checkpoint alone, for a cursor that moves without records. Like every checkpoint, refused with
    /// <see cref="StaleCheckpointException"/> when the stored one of the same run is at or past it.
    /// </summary>
    public async Task WriteCheckpointAsync(Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpoint.Stream);
        await PageTransaction.RunAsync(
            dataSource, [], checkpoint, static (_, _) => Task.FromResult(true), static _ => PageWriteResult.Empty, timeProvider.GetUtcNow(), cancellationToken);
    }

    /// <summary>Checks the arguments every page write shares; returns the project id without its <c>b.</c> prefix.</summary>
    private static string Prepare(string projectId, string stream, Checkpoint? checkpoint, string taskId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        var normalized = ProjectIds.Normalize(projectId);
        if (checkpoint is not null && (checkpoint.Stream != stream || ProjectIds.Normalize(checkpoint.ProjectId) != normalized))
        {
            throw new ArgumentException(
                $"A checkpoint of {checkpoint.Stream} in {checkpoint.ProjectId} cannot commit with a {stream} page of {normalized}.", nameof(checkpoint));
        }

        return normalized;
    }

    /// <summary>Adds the page's dead letters, if any.</summary>
    private static void AddDeadLetters(
        List<NpgsqlBatchCommand> commands, string projectId, string stream, string taskId, IReadOnlyList<DeadLetter> deadLetters, DateTimeOffset now)
    {
        if (DeadLetterTable.Upsert(projectId, stream, taskId, deadLetters, now) is { } deadLetterUpsert)
        {
            commands.Add(deadLetterUpsert);
        }
    }

    private async Task<UpsertedRows> UpsertPageAsync(
        string projectId,
        string stream,
        string taskId,
        NpgsqlBatchCommand? upsert,
        NpgsqlBatchCommand? alongside,
        int valid,
        IReadOnlyList<DeadLetter> deadLetters,
        Checkpoint? checkpoint,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // The upsert goes first: its RETURNING rows are the first result the reader sees. Then the statement that goes
        // with the page (resolving dead letters of what landed, clearing a review's marker).
        List<NpgsqlBatchCommand> commands = upsert is null ? [] : [upsert];
        if (alongside is not null)
        {
            commands.Add(alongside);
        }

        AddDeadLetters(commands, projectId, stream, taskId, deadLetters, now);
        if (commands.Count == 0 && checkpoint is null)
        {
            return UpsertedRows.None;
        }

        return await PageTransaction.RunAsync<UpsertedRows?>(
            dataSource,
            commands,
            checkpoint,
            async (reader, ct) => upsert is null ? UpsertedRows.None : await UpsertedRows.ReadAsync(reader, ct),
            rows => (rows ?? UpsertedRows.None).ToResult(valid, deadLetters.Count),
            now,
            cancellationToken) ?? UpsertedRows.None;
    }

    private PageWriteResult Report(string stream, string projectId, string taskId, PageWriteResult result)
    {
        MirrorLog.LogDebugPageWritten(logger, stream, projectId, result.Inserted, result.Updated, result.Unchanged, result.DeadLettered);
        if (result.DeadLettered > 0)
        {
            MirrorLog.LogWarningDeadLettered(logger, result.DeadLettered, stream, projectId, taskId);
        }

        return result;
    }
}
