using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansSync.Acc;
using OrleansSync.Mirror;
using OrleansSync.Pipeline;

namespace OrleansSync.Streams;

/// <summary>
/// Versions or progress steps, fetched only for reviews whose children are older than the review (all reviews with
/// <c>--full</c>). Each review's whole list replaces its stored children in one transaction with the cursor.
/// </summary>
public sealed class ReviewChildrenRunner(string stream, AccClient acc, IMirrorWriter mirror, IOptions<StreamOptions> options) : IStreamRunner
{
    public string Stream => stream;

    public async Task RunAsync(StreamRun run, CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        var saved = await ListCursor.ReadAsync(mirror, run, cancellationToken);
        // For children the cursor's NextUrl holds the last review done (keyset), so a full walk resumes after it.
        var after = saved?.IsUnfinishedRunOf(run) == true ? saved.NextUrl : null;
        while (true)
        {
            var batch = await mirror.ReviewsNeedingChildrenAsync(spec.ProjectId, Stream, spec.Full, after, options.Value.ChildrenBatch, cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var review in batch)
            {
                var (records, calls) = await ReadChildrenAsync(run, review.ReviewId, cancellationToken);
                var cursor = new ListCursor(run.RunId, 0, review.ReviewId, false, null, null, 0);
                var result = await mirror.ReplaceReviewChildrenAsync(
                    spec.ProjectId, Stream, review.ReviewId, review.UpdatedAt, records, run.Checkpoint(cursor.ToJson()), spec.TaskId, cancellationToken);
                await run.PageLandedAsync(new PageLanded(records.Count, calls, null, result));
                after = review.ReviewId;
            }
        }

        await mirror.WriteCheckpointAsync(run.Checkpoint(new ListCursor(run.RunId, 0, after, true, null, null, 0).ToJson()), cancellationToken);
    }

    private async Task<(List<JsonElement> Records, int Calls)> ReadChildrenAsync(StreamRun run, string reviewId, CancellationToken cancellationToken)
    {
        var url = Stream == StreamNames.ReviewVersions
            ? acc.ReviewVersionsUrl(run.Connection, run.Spec.ProjectId, reviewId)
            : acc.ReviewProgressUrl(run.Connection, run.Spec.ProjectId, reviewId);
        var records = new List<JsonElement>();
        var calls = 0;
        try
        {
            await foreach (var page in acc.ReadAllAsync(run.Connection, url, cancellationToken))
            {
                records.AddRange(page.Records);
                calls += page.Calls;
            }
        }
        catch (AccApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // The review went away upstream between the list and this call: it has no children to mirror.
            records.Clear();
            calls++;
        }

        return (records, calls);
    }
}
