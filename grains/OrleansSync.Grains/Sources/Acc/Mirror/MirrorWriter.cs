using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrleansSync.Mirror;
using OrleansSync.Pipeline;

namespace OrleansSync.Sources.Acc.Mirror;

/// <summary>
/// Lands upstream pages in the <c>acc</c> mirror tables. Each write is one transaction holding the page's records, its
/// dead letters and the optional checkpoint: all of it commits, or none. Records arrive exactly as received; bad ones
/// go to <c>sync.dead_letters</c> with their reason while the rest of the page lands: those our checks find, and those
/// PostgreSQL itself refuses (<see cref="RefusedRecords"/>). An older record never overwrites a
/// newer one, and a record equal to the stored one leaves its row untouched (counted unchanged). Project ids may carry the <c>b.</c> prefix; mirrors store them without it.
/// The writes go through one set-based statement per table (the <c>*Table</c> classes) in one transaction
/// (<see cref="PageTransaction"/>); <c>synced_at</c>, checkpoint and dead-letter times come from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class MirrorWriter(NpgsqlDataSource dataSource, TimeProvider timeProvider, ILogger<MirrorWriter> logger)
{
    /// <summary>Upserts a page of workflows into <c>acc.workflows</c>.</summary>
    public async Task<PageWriteResult> WriteWorkflowsAsync(
        string projectId, IReadOnlyList<JsonElement> records, Checkpoint? checkpoint, string taskId, CancellationToken cancellationToken)
    {
        projectId = Prepare(projectId, StreamNames.Workflows, checkpoint, taskId);
        var now = timeProvider.GetUtcNow();
        var (_, result) = await LandPageAsync(
            projectId, StreamNames.Workflows, taskId, WorkflowRecords.Map(records), rows => WorkflowTable.Upsert(projectId, rows, now),
            static r => (r.WorkflowId, r.Raw), checkpoint, now, cancellationToken);
        return result;
    }

    /// <summary>Upserts a page of reviews into <c>acc.reviews</c>; also returns the reviews it inserted or updated.</summary>
    public async Task<ReviewPageWriteResult> WriteReviewsAsync(
        string projectId, IReadOnlyList<JsonElement> records, Checkpoint? checkpoint, string taskId, CancellationToken cancellationToken)
    {
        projectId = Prepare(projectId, StreamNames.Reviews, checkpoint, taskId);
        var now = timeProvider.GetUtcNow();
        var (written, result) = await LandPageAsync(
            projectId, StreamNames.Reviews, taskId, ReviewRecords.Map(records), rows => ReviewTable.Upsert(projectId, rows, now),
            static r => (r.ReviewId, r.Raw), checkpoint, now, cancellationToken);
        return new ReviewPageWriteResult(result, written.Changed);
    }

    /// <summary>
    /// Replaces all children of one review in <paramref name="stream"/> (<see cref="StreamNames.ReviewVersions"/>, keyed by
    /// urn, or <see cref="StreamNames.ReviewProgress"/>, keyed by position, 0 the newest) with <paramref name="records"/>,
    /// the review's whole list, and records on <c>acc.reviews</c> that they are synced for <paramref name="reviewUpdatedAt"/>.
    /// Nothing is replaced when the stored children are from a newer review updatedAt; the page then counts as unchanged.
    /// Counts are relative to the stored set: a new key is inserted, a key whose record differs is updated, the rest are
    /// unchanged (an identical set is all unchanged); stored keys missing from the new set are deleted and not counted.
    /// A list with a malformed child, or one PostgreSQL refuses, is not whole: its valid children land, nothing is
    /// deleted, and the review's marker is cleared, so the next run (incremental too) reads it again.
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
        return stream switch
        {
            StreamNames.ReviewVersions => await ReplaceChildrenAsync(
                projectId, stream, reviewId, ReviewChildRecords.MapVersions(reviewId, records),
                (rows, whole) => ReviewChildTables.ReplaceVersions(projectId, reviewId, reviewUpdatedAt, rows, whole, checkpoint?.RunId, now),
                static r => (r.Key, r.Raw), checkpoint, taskId, now, cancellationToken),
            StreamNames.ReviewProgress => await ReplaceChildrenAsync(
                projectId, stream, reviewId, ReviewChildRecords.MapProgress(reviewId, records),
                (rows, whole) => ReviewChildTables.ReplaceProgress(projectId, reviewId, reviewUpdatedAt, rows, whole, checkpoint?.RunId, now),
                static r => (r.Key, r.Raw), checkpoint, taskId, now, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "Children are review_versions or review_progress."),
        };
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
            projectId, stream, taskId, null, ReviewChildTables.Unmark(stream, projectId, reviewId, checkpoint?.RunId), 0, [deadLetter], checkpoint, timeProvider.GetUtcNow(), cancellationToken);
        return Report(stream, projectId, taskId, new PageWriteResult(0, 0, 0, 1));
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

    /// <summary>
    /// Lands a mapped page of one keyed table (<paramref name="upsert"/> writes a set of its rows); records PostgreSQL
    /// refuses are dead-lettered with its reason and the rest lands (<see cref="RefusedRecords"/>).
    /// </summary>
    private async Task<(UpsertedRows Written, PageWriteResult Result)> LandPageAsync<TRow>(
        string projectId,
        string stream,
        string taskId,
        MappedPage<TRow> page,
        Func<IReadOnlyList<TRow>, NpgsqlBatchCommand> upsert,
        Func<TRow, (string Key, string Raw)> identify,
        Checkpoint? checkpoint,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var (written, refused) = await RefusedRecords.LandAsync(
            dataSource,
            page.Rows,
            upsert,
            (row, reason) =>
            {
                var (key, raw) = identify(row);
                return new DeadLetter(key, raw, reason);
            },
            async (rows, refused) => await UpsertPageAsync(
                projectId,
                stream,
                taskId,
                rows.Count == 0 ? null : upsert(rows),
                DeadLetterTable.Resolve(projectId, stream, [.. rows.Select(r => identify(r).Key)], now),
                page.Valid - refused.Count,
                [.. page.DeadLetters, .. refused],
                checkpoint,
                now,
                cancellationToken),
            cancellationToken);
        return (written, Report(stream, projectId, taskId, written.ToResult(page.Valid - refused, page.DeadLetters.Count + refused)));
    }

    /// <summary>
    /// Replaces a review's children with a mapped list (<paramref name="replace"/> writes a set of its rows, whole or
    /// not); children PostgreSQL refuses are dead-lettered with its reason and the rest lands.
    /// </summary>
    private async Task<PageWriteResult> ReplaceChildrenAsync<TRow>(
        string projectId,
        string stream,
        string reviewId,
        MappedPage<TRow> page,
        Func<IReadOnlyList<TRow>, bool, NpgsqlBatchCommand> replace,
        Func<TRow, (string Key, string Raw)> identify,
        Checkpoint? checkpoint,
        string taskId,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var ((applied, inserted, updated, removed), refused) = await RefusedRecords.LandAsync(
            dataSource,
            page.Rows,
            rows => replace(rows, false),
            (row, reason) =>
            {
                var (key, raw) = identify(row);
                return new DeadLetter(DeadLetterTable.ChildKey(reviewId, key), raw, reason);
            },
            (rows, refused) =>
            {
                // One malformed or refused child makes the list not whole: what it holds lands, but it proves no
                // stored child gone. The review's list was read: an earlier dead letter naming the review (its
                // endpoint failed) is resolved, and so are those of the children that landed (all, when whole).
                List<DeadLetter> deadLetters = [.. page.DeadLetters, .. refused];
                var whole = deadLetters.Count == 0;
                var valid = page.Valid - refused.Count;
                List<NpgsqlBatchCommand> commands =
                [
                    ReviewChildTables.Lock(stream, projectId, reviewId),
                    replace(rows, whole),
                    DeadLetterTable.ResolveReviewChildren(projectId, stream, reviewId, [.. rows.Select(r => identify(r).Key)], whole, now),
                ];
                AddDeadLetters(commands, projectId, stream, taskId, deadLetters, now);
                return PageTransaction.RunAsync(
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
            },
            cancellationToken);

        if (applied)
        {
            MirrorLog.LogDebugChildrenReplaced(logger, stream, reviewId, projectId, removed);
        }
        else
        {
            MirrorLog.LogDebugChildrenKept(logger, stream, reviewId, projectId);
        }

        var landed = page.Valid - refused;
        return Report(stream, projectId, taskId, new PageWriteResult(inserted, updated, landed - inserted - updated, page.DeadLetters.Count + refused));
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
