using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSync.Pipeline;
using OrleansSync.Sources.Acc.Client;

namespace OrleansSync.Sources.Acc.Streams;

/// <summary>
/// Reads a stream made of several upstream lists in order, page by page, landing each page with the cursor that
/// points past it — so a resumed run fetches again at most the page that was in flight. A list that changes while it
/// is read (<see cref="AccListDrift"/>) is read again from its first page, up to
/// <see cref="AccSourceOptions.MaxListRereads"/> times in a row.
/// </summary>
public sealed class ListPhaseReader(AccClient acc, TimeProvider time, IOptionsMonitor<AccSourceOptions> options, ILogger<ListPhaseReader> logger)
{
    /// <param name="run">The task's run.</param>
    /// <param name="start">The cursor to continue from (this run's), or a fresh one.</param>
    /// <param name="firstPages">The first page of each list, by phase.</param>
    /// <param name="land">Writes a page's records with the given checkpoint, in one transaction.</param>
    /// <param name="cancellationToken">Stops the read between or inside pages; the checkpoint keeps what landed.</param>
    /// <exception cref="AccPaginationException">
    /// A list's nextUrl revisits a page, its pages contradict its total or run past the page cap, or it kept drifting.
    /// </exception>
    public async IAsyncEnumerable<PageLanded> ReadAsync(
        StreamRun run,
        ListCursor start,
        IReadOnlyList<Uri> firstPages,
        Func<SourcePage, Checkpoint, Task<PageWriteResult>> land,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = start;
        var maxPages = options.CurrentValue.MaxListPages;
        var trail = new AccPageTrail(maxPages, cursor.Announced, cursor.Listed, cursor.Anchor);
        while (!cursor.Done)
        {
            var url = cursor.NextUrl is { } next ? new Uri(next) : firstPages[cursor.Phase];
            // The listing begins with the first request of a run; upstream's Date then places it on upstream's clock.
            var requestedAt = time.GetUtcNow();
            var fetched = await acc.GetPageAsync(run.Acc(), url, cancellationToken);
            var drift = trail.Check(url, fetched);
            var page = trail.WithoutRepeats(fetched);
            var total = cursor.CompletedTotal + (page.TotalResults ?? 0);
            var position = cursor.Position + 1;
            var highWater = cursor.HighWater ?? UpstreamMark.Of(page.UpstreamDate, requestedAt);
            AccPaginationException? driftedTooOften = null;
            if (drift is not null)
            {
                // The page's records are good and land; the list starts again, with the mark of the run's first page.
                var rereads = cursor.Rereads + 1;
                logger.LogWarningListDrifted(drift.Endpoint, drift.Reason, rereads);
                if (rereads > options.CurrentValue.MaxListRereads)
                {
                    // The next attempt (a task retry, the next run) starts the list afresh, with a fresh allowance.
                    driftedTooOften = drift.TooOften(cursor.Rereads);
                    rereads = 0;
                }

                cursor = cursor with { NextUrl = null, HighWater = highWater, Position = position, Announced = null, Listed = 0, Rereads = rereads, Anchor = null };
                trail = new AccPageTrail(maxPages);
            }
            else if (page.NextUrl is { } following)
            {
                cursor = cursor with
                {
                    NextUrl = trail.Anchored(following).AbsoluteUri,
                    Anchor = trail.Anchor,
                    HighWater = highWater,
                    Position = position,
                    Announced = trail.AnnouncedTotal,
                    Listed = trail.RecordsRead,
                };
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
                    Announced = null,
                    Listed = 0,
                    Rereads = 0,
                    Anchor = null,
                };
                trail = new AccPageTrail(maxPages);
            }

            var tally = new PageTally(1, page.Records.Count, page.Calls, page.Throttled, page.TotalResults is null ? null : total);
            var result = await land(page, run.Checkpoint(position, cursor.ToJson()) with { Tally = tally });
            yield return new PageLanded(tally, result);
            if (driftedTooOften is not null)
            {
                throw driftedTooOften;
            }
        }
    }
}
