using System.Runtime.CompilerServices;
using OrleansSync.Acc;
using OrleansSync.Pipeline;

namespace OrleansSync.Streams;

/// <summary>
/// Reads a stream made of several upstream lists in order, page by page, landing each page with the cursor that
/// points past it — so a resumed run fetches again at most the page that was in flight.
/// </summary>
public sealed class ListPhaseReader(AccClient acc, TimeProvider time)
{
    /// <param name="run">The task's run.</param>
    /// <param name="start">The cursor to continue from (this run's), or a fresh one.</param>
    /// <param name="firstPages">The first page of each list, by phase.</param>
    /// <param name="land">Writes a page's records with the given checkpoint, in one transaction.</param>
    /// <param name="cancellationToken">Stops the read between or inside pages; the checkpoint keeps what landed.</param>
    /// <exception cref="AccPaginationException">A list's nextUrl revisits a page, or its pages contradict its total.</exception>
    public async IAsyncEnumerable<PageLanded> ReadAsync(
        StreamRun run,
        ListCursor start,
        IReadOnlyList<Uri> firstPages,
        Func<SourcePage, Checkpoint, Task<PageWriteResult>> land,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = start;
        var trail = new AccPageTrail();
        while (!cursor.Done)
        {
            var url = cursor.NextUrl is { } next ? new Uri(next) : firstPages[cursor.Phase];
            // The listing begins with the first request of a run; upstream's Date then places it on upstream's clock.
            var requestedAt = time.GetUtcNow();
            var page = await acc.GetPageAsync(run.Connection, url, cancellationToken);
            trail.Check(url, page);
            var total = cursor.CompletedTotal + (page.TotalResults ?? 0);
            var position = cursor.Position + 1;
            var highWater = cursor.HighWater ?? page.UpstreamDate ?? requestedAt;
            if (page.NextUrl is { } following)
            {
                cursor = cursor with { NextUrl = following.AbsoluteUri, HighWater = highWater, Position = position };
            }
            else
            {
                cursor = cursor with
                {
                    Phase = cursor.Phase + 1,
                    NextUrl = null,
                    Done = cursor.Phase + 1 >= firstPages.Count,
                    HighWater = highWater,
                    CompletedTotal = total,
                    Position = position,
                };
                trail = new AccPageTrail();
            }

            var tally = new PageTally(1, page.Records.Count, page.Calls, page.Throttled, page.TotalResults is null ? null : total);
            var result = await land(page, run.Checkpoint(position, cursor.ToJson()) with { Tally = tally });
            yield return new PageLanded(tally, result);
        }
    }
}
