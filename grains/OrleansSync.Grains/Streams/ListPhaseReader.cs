using System.Text.Json;
using OrleansSync.Acc;
using OrleansSync.Pipeline;

namespace OrleansSync.Streams;

/// <summary>
/// Reads a stream made of several upstream lists in order, page by page, landing each page with the cursor that
/// points past it — so a resumed run fetches again at most the page that was in flight.
/// </summary>
public sealed class ListPhaseReader(AccClient acc)
{
    /// <param name="run">The task's run.</param>
    /// <param name="start">The cursor to continue from (this run's), or a fresh one.</param>
    /// <param name="firstPages">The first page of each list, by phase.</param>
    /// <param name="land">Writes a page's records with the given checkpoint, in one transaction.</param>
    /// <param name="highWater">The newest updatedAt of a page, for streams that read incrementally.</param>
    /// <param name="cancellationToken">Stops the read between or inside pages; the checkpoint keeps what landed.</param>
    public async Task<ListCursor> ReadAsync(
        StreamRun run,
        ListCursor start,
        IReadOnlyList<Uri> firstPages,
        Func<SourcePage, Checkpoint, Task<PageWriteResult>> land,
        Func<IReadOnlyList<JsonElement>, DateTimeOffset?>? highWater,
        CancellationToken cancellationToken)
    {
        var cursor = start;
        while (!cursor.Done)
        {
            var url = cursor.NextUrl is { } next ? new Uri(next) : firstPages[cursor.Phase];
            var page = await acc.GetPageAsync(run.Connection, url, cancellationToken);
            var seen = highWater?.Invoke(page.Records);
            var newest = Max(cursor.HighWater, seen);
            var total = cursor.CompletedTotal + (page.TotalResults ?? 0);
            cursor = page.NextUrl is { } following
                ? cursor with { NextUrl = following.AbsoluteUri, HighWater = newest }
                : cursor with
                {
                    Phase = cursor.Phase + 1,
                    NextUrl = null,
                    Done = cursor.Phase + 1 >= firstPages.Count,
                    HighWater = newest,
                    CompletedTotal = total,
                };
            var result = await land(page, run.Checkpoint(cursor.ToJson()));
            await run.PageLandedAsync(new PageLanded(page.Records.Count, page.Calls, page.TotalResults is null ? null : total, result));
        }

        return cursor;
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : (a > b ? a : b);
}
