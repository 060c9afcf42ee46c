using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansSync.Acc;
using OrleansSync.Mirror;
using OrleansSync.Pipeline;

namespace OrleansSync.Streams;

/// <summary>
/// Versions or progress steps, fetched only for reviews whose children are older than the review (all reviews with
/// <c>--full</c>). Each review's whole list replaces its stored children in one transaction with the cursor. A review
/// whose endpoint keeps answering garbage is dead-lettered, naming it, and the task goes on with the next review.
/// </summary>
public sealed class ReviewChildrenRunner(string stream, AccClient acc, MirrorWriter mirror, IOptions<StreamOptions> options) : IStreamRunner
{
    public string Stream => stream;

    public async IAsyncEnumerable<PageLanded> RunAsync(StreamRun run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        var saved = await ListCursor.ReadAsync(mirror, run, cancellationToken);
        if (saved?.IsFinishedRunOf(run) == true)
        {
            yield break;
        }

        // For children the cursor's NextUrl holds the last review done (keyset), so a full walk resumes after it.
        var resumed = saved?.IsUnfinishedRunOf(run) == true ? saved : null;
        // The run's whole work, for percent and ETA: what is done, and what is left to visit.
        var totalPages = (resumed?.Position ?? 0) + await mirror.CountReviewsNeedingChildrenAsync(spec.ProjectId, Stream, spec.Full, resumed?.NextUrl, cancellationToken);
        await foreach (var page in WalkAsync(
            run,
            resumed,
            (after, ct) => mirror.ReviewsNeedingChildrenAsync(spec.ProjectId, Stream, spec.Full, after, options.Value.ChildrenBatch, ct),
            totalPages,
            cancellationToken))
        {
            yield return page;
        }
    }

    /// <summary>
    /// Lands the children of every review <paramref name="nextBatch"/> returns (keyset order, after the review it is
    /// given), continuing after <paramref name="resumed"/>'s last review, each with the checkpoint that points past it;
    /// then writes the cursor that says the walk is done.
    /// </summary>
    /// <param name="run">The run, whose stream is this runner's.</param>
    /// <param name="resumed">This run's unfinished cursor, or null to start from the first review.</param>
    /// <param name="nextBatch">The next reviews after the given review id (null: from the first); empty when none is left.</param>
    /// <param name="totalPages">The reviews the walk visits in all, for percent and ETA, where known.</param>
    /// <param name="cancellationToken">Stops the walk; the checkpoint keeps what landed.</param>
    internal async IAsyncEnumerable<PageLanded> WalkAsync(
        StreamRun run,
        ListCursor? resumed,
        Func<string?, CancellationToken, Task<IReadOnlyList<ReviewStamp>>> nextBatch,
        long? totalPages,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = resumed?.NextUrl;
        var position = resumed?.Position ?? 0;
        while (true)
        {
            var batch = await nextBatch(after, cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var review in batch)
            {
                position++;
                var checkpoint = run.Checkpoint(position, new ListCursor(run.RunId, 0, review.ReviewId, false, null, null, 0, position).ToJson());
                yield return await LandChildrenAsync(run, review, checkpoint, totalPages is { } total ? Math.Max(total, position) : null, cancellationToken);
                after = review.ReviewId;
            }
        }

        position++;
        await mirror.WriteCheckpointAsync(run.Checkpoint(position, new ListCursor(run.RunId, 0, after, true, null, null, 0, position).ToJson()), cancellationToken);
    }

    /// <summary>Fetches one review's whole list and replaces its stored children with it (or dead-letters it), with <paramref name="checkpoint"/>.</summary>
    private async Task<PageLanded> LandChildrenAsync(StreamRun run, ReviewStamp review, Checkpoint checkpoint, long? totalPages, CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        var url = Stream == StreamNames.ReviewVersions
            ? acc.ReviewVersionsUrl(run.Connection, spec.ProjectId, review.ReviewId)
            : acc.ReviewProgressUrl(run.Connection, spec.ProjectId, review.ReviewId);
        var records = new List<JsonElement>();
        var calls = 0;
        var throttled = 0;
        try
        {
            await foreach (var page in acc.ReadAllAsync(run.Connection, url, cancellationToken))
            {
                records.AddRange(page.Records);
                calls += page.Calls;
                throttled += page.Throttled;
            }
        }
        catch (AccApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // The review went away upstream between the list and this call: it has no children to mirror.
            records.Clear();
            calls++;
        }
        catch (AccMalformedResponseException e)
        {
            // The endpoint answered, but nothing usable, after the client's retries: one dead letter names the review.
            return await DeadLetterAsync(run, review, checkpoint with { Tally = new PageTally(1, 0, calls, throttled, null, totalPages) }, e.Endpoint, e.Message, cancellationToken);
        }
        catch (AccPaginationException e)
        {
            return await DeadLetterAsync(run, review, checkpoint with { Tally = new PageTally(1, 0, calls, throttled, null, totalPages) }, e.Endpoint, e.Message, cancellationToken);
        }

        var tally = new PageTally(1, records.Count, calls, throttled, null, totalPages);
        var written = await mirror.ReplaceReviewChildrenAsync(
            spec.ProjectId, Stream, review.ReviewId, review.UpdatedAt, records, checkpoint with { Tally = tally }, spec.TaskId, cancellationToken);
        return new PageLanded(tally, written);
    }

    private async Task<PageLanded> DeadLetterAsync(
        StreamRun run, ReviewStamp review, Checkpoint checkpoint, string endpoint, string reason, CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        var result = await mirror.DeadLetterReviewChildrenAsync(spec.ProjectId, Stream, review.ReviewId, endpoint, reason, checkpoint, spec.TaskId, cancellationToken);
        return new PageLanded(checkpoint.Tally, result);
    }
}
