namespace OrleansSync.Pipeline;

/// <summary>
/// Where a stream of a project is. Written to <c>sync.checkpoints</c> in the same transaction as the records it
/// covers, so a resumed task never skips a page and fetches at most the one in flight again. The writing task's
/// counters ride along (<see cref="Tally"/> plus what the page did to the mirror), so they are exact after a kill too.
/// </summary>
/// <param name="ProjectId">Upstream project id, without the <c>b.</c> prefix.</param>
/// <param name="Stream">One of its source kind's streams (<see cref="Sources.SourceStreams"/>).</param>
/// <param name="TaskId">The task that wrote it.</param>
/// <param name="RunId">The run that wrote it.</param>
/// <param name="Position">Pages landed by this run so far, this one included: a write at or before the stored position of the same run is stale.</param>
/// <param name="CursorJson">The cursor, a JSON document whose shape the stream's reader owns.</param>
/// <param name="Scope">
/// Which read of the stream: <c>""</c> for the project's live runs (its incremental high-water mark), a backfill day's
/// own scope otherwise, so a backfill never moves the live checkpoint.
/// </param>
public sealed record class Checkpoint(string ProjectId, string Stream, string TaskId, string RunId, long Position, string CursorJson, string Scope = "")
{
    /// <summary>What fetching the page cost and held; <see cref="PageTally.None"/> for a checkpoint that moves without a page.</summary>
    public PageTally Tally { get; init; } = PageTally.None;
}

/// <summary>A page as the task counts it before it lands: records received, upstream calls, 429s among them, upstream's total.</summary>
/// <param name="Pages">1 for a page, 0 for a checkpoint written alone.</param>
/// <param name="RecordsRead">Records in the page.</param>
/// <param name="Calls">Upstream calls the page took.</param>
/// <param name="Throttled">429 answers among them.</param>
/// <param name="TotalRecords">The stream's total so far, where upstream says.</param>
/// <param name="TotalPages">The pages the run expects in all, where known (children: the reviews to visit).</param>
public sealed record class PageTally(int Pages, int RecordsRead, int Calls, int Throttled, long? TotalRecords, long? TotalPages = null)
{
    public static PageTally None { get; } = new(0, 0, 0, 0, null);
}
