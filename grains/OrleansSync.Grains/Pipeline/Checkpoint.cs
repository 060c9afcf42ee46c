namespace OrleansSync.Pipeline;

/// <summary>
/// Where a stream of a project is. Written to <c>sync.checkpoints</c> in the same transaction as the records it
/// covers, so a resumed task never skips a page and fetches at most the one in flight again.
/// </summary>
/// <param name="ProjectId">Upstream project id, without the <c>b.</c> prefix.</param>
/// <param name="Stream">One of <see cref="StreamNames"/>.</param>
/// <param name="TaskId">The task that wrote it.</param>
/// <param name="RunId">The run that wrote it.</param>
/// <param name="Position">Pages landed by this run so far, this one included: a write at or before the stored position of the same run is stale.</param>
/// <param name="CursorJson">The cursor, a JSON document whose shape the stream's reader owns.</param>
/// <param name="Scope">
/// Which read of the stream: <c>""</c> for the project's live runs (its incremental high-water mark), a backfill day's
/// own scope otherwise, so a backfill never moves the live checkpoint.
/// </param>
public sealed record class Checkpoint(string ProjectId, string Stream, string TaskId, string RunId, long Position, string CursorJson, string Scope = "");
