using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrleansSync.Pipeline;

namespace OrleansSync.Mirror;

/// <summary>
/// The PostgreSQL sink: validates a page (the stream's <c>*Records</c> mapper), then writes it with one set-based
/// statement per table (the <c>*Table</c> classes) in one transaction (<see cref="PageTransaction"/>).
/// <c>synced_at</c>, checkpoint and dead-letter times come from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class MirrorWriter(NpgsqlDataSource dataSource, TimeProvider timeProvider, ILogger<MirrorWriter> logger) : IMirrorWriter
{
    public async Task<PageWriteResult> WriteWorkflowsAsync(
        string projectId, IReadOnlyList<JsonElement> records, Checkpoint? checkpoint, string taskId, CancellationToken cancellationToken)
    {
        projectId = Prepare(projectId, StreamNames.Workflows, checkpoint, taskId);
        var page = WorkflowRecords.Map(records);
        var now = timeProvider.GetUtcNow();
        var upsert = page.Rows.Count == 0 ? null : WorkflowTable.Upsert(projectId, page.Rows, now);
        var written = await UpsertPageAsync(projectId, StreamNames.Workflows, taskId, upsert, page.DeadLetters, checkpoint, now, cancellationToken);
        return Report(StreamNames.Workflows, projectId, taskId, written.ToResult(page.Valid, page.DeadLetters.Count));
    }

    public async Task<ReviewPageWriteResult> WriteReviewsAsync(
        string projectId, IReadOnlyList<JsonElement> records, Checkpoint? checkpoint, string taskId, CancellationToken cancellationToken)
    {
        projectId = Prepare(projectId, StreamNames.Reviews, checkpoint, taskId);
        var page = ReviewRecords.Map(records);
        var now = timeProvider.GetUtcNow();
        var upsert = page.Rows.Count == 0 ? null : ReviewTable.Upsert(projectId, page.Rows, now);
        var written = await UpsertPageAsync(projectId, StreamNames.Reviews, taskId, upsert, page.DeadLetters, checkpoint, now, cancellationToken);
        var result = Report(StreamNames.Reviews, projectId, taskId, written.ToResult(page.Valid, page.DeadLetters.Count));
        return new ReviewPageWriteResult(result, written.Changed);
    }

    public async Task<PageWriteResult> WriteProjectsAsync(
        string accountId, IReadOnlyList<JsonElement> records, Checkpoint? checkpoint, string taskId, CancellationToken cancellationToken)
    {
        // The projects stream belongs to an account: its checkpoints and dead letters are keyed by the account id.
        accountId = Prepare(accountId, StreamNames.Projects, checkpoint, taskId);
        var page = ProjectRecords.Map(records);
        var now = timeProvider.GetUtcNow();
        var upsert = page.Rows.Count == 0 ? null : ProjectTable.Upsert(accountId, page.Rows, now);
        var written = await UpsertPageAsync(accountId, StreamNames.Projects, taskId, upsert, page.DeadLetters, checkpoint, now, cancellationToken);
        return Report(StreamNames.Projects, accountId, taskId, written.ToResult(page.Valid, page.DeadLetters.Count));
    }

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
        var (replace, valid, deadLetters) = stream switch
        {
            StreamNames.ReviewVersions when ReviewChildRecords.MapVersions(reviewId, records) is var page =>
                (ReviewChildTables.ReplaceVersions(projectId, reviewId, reviewUpdatedAt, page.Rows, now), page.Valid, page.DeadLetters),
            StreamNames.ReviewProgress when ReviewChildRecords.MapProgress(reviewId, records) is var page =>
                (ReviewChildTables.ReplaceProgress(projectId, reviewId, reviewUpdatedAt, page.Rows, now), page.Valid, page.DeadLetters),
            _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "Children are review_versions or review_progress."),
        };

        List<NpgsqlBatchCommand> commands = [ReviewChildTables.Lock(stream, projectId, reviewId), replace];
        AddBookkeeping(commands, projectId, stream, taskId, deadLetters, checkpoint, now);
        var (applied, inserted, updated, removed) = await PageTransaction.RunAsync(dataSource, commands, static async (reader, ct) =>
        {
            await reader.NextResultAsync(ct); // past the lock's result
            return await ReviewChildTables.ReadAsync(reader, ct);
        }, cancellationToken);

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

    public Task<IReadOnlyList<ReviewStamp>> ReviewsNeedingChildrenAsync(
        string projectId, string stream, bool all, string? afterReviewId, int limit, CancellationToken cancellationToken) =>
        ReviewChildQueries.NeedingChildrenAsync(dataSource, ProjectIds.Normalize(projectId), stream, all, afterReviewId, limit, cancellationToken);

    public Task<Checkpoint?> ReadCheckpointAsync(string projectId, string stream, string scope, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        ArgumentNullException.ThrowIfNull(scope);
        return CheckpointTable.ReadAsync(dataSource, ProjectIds.Normalize(projectId), stream, scope, cancellationToken);
    }

    public async Task WriteCheckpointAsync(Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpoint.Stream);
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(CheckpointTable.Upsert(checkpoint, timeProvider.GetUtcNow()));
        await batch.ExecuteNonQueryAsync(cancellationToken);
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

    private static void AddBookkeeping(
        List<NpgsqlBatchCommand> commands, string projectId, string stream, string taskId, List<DeadLetter> deadLetters, Checkpoint? checkpoint, DateTimeOffset now)
    {
        if (DeadLetterTable.Upsert(projectId, stream, taskId, deadLetters, now) is { } deadLetterUpsert)
        {
            commands.Add(deadLetterUpsert);
        }

        if (checkpoint is not null)
        {
            commands.Add(CheckpointTable.Upsert(checkpoint, now));
        }
    }

    private async Task<UpsertedRows> UpsertPageAsync(
        string projectId, string stream, string taskId, NpgsqlBatchCommand? upsert, List<DeadLetter> deadLetters, Checkpoint? checkpoint, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The upsert goes first: its RETURNING rows are the first result the reader sees.
        List<NpgsqlBatchCommand> commands = upsert is null ? [] : [upsert];
        AddBookkeeping(commands, projectId, stream, taskId, deadLetters, checkpoint, now);
        if (commands.Count == 0)
        {
            return UpsertedRows.None;
        }

        return await PageTransaction.RunAsync<UpsertedRows>(
            dataSource, commands, upsert is null ? static (_, _) => Task.FromResult(UpsertedRows.None) : UpsertedRows.ReadAsync, cancellationToken);
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
