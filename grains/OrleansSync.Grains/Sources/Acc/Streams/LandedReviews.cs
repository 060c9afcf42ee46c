using System.Globalization;
using OrleansSync.Pipeline;
using OrleansSync.Sources.Acc.Mirror;

namespace OrleansSync.Sources.Acc.Streams;

/// <summary>
/// The reviews a run's children walk visits, in the order they landed (<c>acc.reviews.landed_seq</c>): first those
/// that needed their children before the run, then each one the run's reviews task lands, as it lands, whatever its
/// id. While that task is still reading its lists (the spec's <see cref="Tasks.SyncTaskSpec.FollowsStream"/>), a walk that has
/// caught up idles (<see cref="IRunIdle"/>) and looks again every <see cref="StreamOptions.ReviewsPoll"/>; it ends
/// only once the reviews task's cursor says every list was read and nothing landed after the last review visited.
/// A walk's key is <c>landed:&lt;number&gt;</c>.
/// </summary>
internal sealed class LandedReviews(MirrorWriter mirror, StreamRun run, StreamOptions options, TimeProvider time)
{
    private const string KeyPrefix = "landed:";

    // When a look found nothing new: a walk with fetches in flight looks again only a poll later.
    private DateTimeOffset? _foundNothingAt;

    /// <summary>The reviews still to visit after the last batch handed out, as last counted (for percent and ETA).</summary>
    public long Remaining { get; private set; }

    public static string KeyOf(ReviewStamp review) =>
        KeyPrefix + (review.Landed ?? throw new InvalidOperationException($"Review {review.ReviewId} was not read in landing order.")).ToString(CultureInfo.InvariantCulture);

    /// <summary>The landing number after which a walk resumed at <paramref name="key"/> goes on; 0 (from the start) for none.</summary>
    public static long After(string? key) =>
        key is not null && key.StartsWith(KeyPrefix, StringComparison.Ordinal) && long.TryParse(key.AsSpan(KeyPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var landed)
            ? landed
            : 0; // none, or a cursor keyed by review id (written before walks followed landings): walking again from the start skips nothing.

    /// <summary>How many reviews need visiting after <paramref name="key"/> now.</summary>
    public async Task<long> CountAsync(string? key, CancellationToken cancellationToken) =>
        Remaining = await mirror.CountReviewsLandedNeedingChildrenAsync(run.Spec.ProjectId, run.Spec.Stream, run.Spec.Full, After(key), cancellationToken);

    /// <summary>
    /// The next reviews after <paramref name="key"/>. With <paramref name="wait"/> it waits for the reviews task to land
    /// more, and returns empty only when the walk is over; without, it returns what is there (looking at most once a poll).
    /// </summary>
    public async Task<IReadOnlyList<ReviewStamp>> NextAsync(string? key, bool wait, CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        var after = After(key);
        if (!wait && _foundNothingAt is { } at && time.GetUtcNow() - at < options.ReviewsPoll)
        {
            return [];
        }

        IAsyncDisposable? idling = null;
        try
        {
            while (true)
            {
                // Whether the lists are read, first: a cursor done before this read committed with the last page, so
                // the read below sees every review the task landed.
                var listed = wait && (spec.FollowsStream is null || await ReviewsListedAsync(spec.FollowsStream, cancellationToken));
                var batch = await mirror.ReviewsLandedNeedingChildrenAsync(spec.ProjectId, spec.Stream, spec.Full, after, options.ChildrenBatch, cancellationToken);
                if (batch.Count > 0)
                {
                    _foundNothingAt = null;
                    await CountAsync(KeyOf(batch[^1]), cancellationToken);
                    return batch;
                }

                _foundNothingAt = time.GetUtcNow();
                if (listed || !wait)
                {
                    return batch;
                }

                idling ??= await run.Idle.BeginAsync(cancellationToken);
                await Task.Delay(options.ReviewsPoll, time, cancellationToken);
            }
        }
        finally
        {
            if (idling is not null)
            {
                await idling.DisposeAsync();
            }
        }
    }

    /// <summary>The run's reviews task has read every list to its end (its cursor, committed with its last page, says so).</summary>
    private async Task<bool> ReviewsListedAsync(string reviewsStream, CancellationToken cancellationToken)
    {
        var reviews = run.For(reviewsStream);
        return (await ListCursor.ReadAsync(mirror, reviews, cancellationToken))?.IsFinishedRunOf(reviews) == true;
    }
}
