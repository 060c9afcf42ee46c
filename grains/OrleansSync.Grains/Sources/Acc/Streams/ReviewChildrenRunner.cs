using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansSync.Pipeline;
using OrleansSync.Sources.Acc.Client;
using OrleansSync.Sources.Acc.Mirror;
using OrleansSync.Tasks;
using OrleansSync.Telemetry;

namespace OrleansSync.Sources.Acc.Streams;

/// <summary>
/// Versions or progress steps, fetched only for reviews whose children are older than the review (with <c>--full</c>,
/// every review the run's walk has not visited). Each review's whole list replaces its stored children in one transaction with the cursor. A review
/// whose endpoint keeps failing (an error status, garbage, no answer) is dead-lettered, naming it, its stored children
/// kept, and the task goes on with the next review; only failures across many reviews fail the task
/// (<see cref="ChildFetchFailures"/>).
/// The lists of several reviews are fetched at once, up to an <see cref="AdaptiveWindow"/>, and land in review order.
/// A task that runs with the run's reviews task (its spec names it, <see cref="SyncTaskSpec.LeaderTaskId"/>) visits
/// the reviews as they land, until that task has ended and every review it landed was visited
/// (<see cref="ReviewsFollowingLeader"/>).
/// </summary>
public sealed class ReviewChildrenRunner(
    string stream, AccClient acc, MirrorWriter mirror, IGrainFactory grains, IOptions<StreamOptions> options, TimeProvider time, SyncMetrics metrics) : IStreamRunner
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

        // For children the cursor's NextUrl holds the last review done (keyset), so a walk resumes after it.
        var resumed = saved?.IsUnfinishedRunOf(run) == true ? saved : null;
        // A --full run needs every review its own walk has not visited; an incremental one, those with older children.
        var fullRunId = spec.Full ? run.RunId : null;
        Func<string?, CancellationToken, Task<IReadOnlyList<ReviewStamp>>> needing =
            (after, ct) => mirror.ReviewsNeedingChildrenAsync(spec.ProjectId, Stream, fullRunId, after, options.Value.ChildrenBatch, ct);
        Func<string?, CancellationToken, Task<long>> counting =
            (after, ct) => mirror.CountReviewsNeedingChildrenAsync(spec.ProjectId, Stream, fullRunId, after, ct);
        using var reviews = spec.LeaderTaskId is { } leader
            ? new ReviewsFollowingLeader(
                needing,
                ct => counting(null, ct),
                async ct => await grains.GetGrain<ISyncTaskGrain>(leader).GetAsync(ct) is { IsTerminal: true },
                resumed,
                options.Value.FollowPoll,
                time,
                run.Slot)
            : await KeysetAsync(resumed, needing, counting, cancellationToken);
        await foreach (var page in WalkAsync(run, resumed, reviews, cancellationToken))
        {
            yield return page;
        }
    }

    /// <summary>One keyset pass over the reviews needing children, after <paramref name="resumed"/>'s last one, with the walk's whole work known up front.</summary>
    private static async Task<IReviewQueue> KeysetAsync(
        ListCursor? resumed,
        Func<string?, CancellationToken, Task<IReadOnlyList<ReviewStamp>>> needing,
        Func<string?, CancellationToken, Task<long>> counting,
        CancellationToken cancellationToken)
    {
        // The run's whole work, for percent and ETA: what is done, and what is left to visit.
        var left = await counting(resumed?.NextUrl, cancellationToken);
        return new ReviewKeyset(needing, resumed?.NextUrl, (resumed?.Position ?? 0) + left);
    }

    /// <summary>
    /// Lands the children of every review <paramref name="reviews"/> hands out, continuing <paramref name="resumed"/>,
    /// each with the checkpoint that points past it; then writes the cursor that says the walk is done. Up to W reviews' lists are fetched at once; they land one by
    /// one in order, so the checkpoint is always the last review below which everything landed, and a walk cut short
    /// (a kill, a cancel) fetches at most W lists again.
    /// </summary>
    /// <param name="run">The run, whose stream is this runner's.</param>
    /// <param name="resumed">This run's unfinished cursor, or null when the walk starts afresh.</param>
    /// <param name="reviews">The reviews to visit (after <paramref name="resumed"/>'s last one), and how many in all.</param>
    /// <param name="cancellationToken">Stops the walk and the fetches in flight; the checkpoint keeps what landed.</param>
    internal async IAsyncEnumerable<PageLanded> WalkAsync(
        StreamRun run,
        ListCursor? resumed,
        IReviewQueue reviews,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var window = new AdaptiveWindow(options.Value.MaxChildrenInFlight, time);
        var failures = new ChildFetchFailures(options.Value);
        using var shown = metrics.WindowOpened(Stream, () => window.Size);
        using var fetching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = new Queue<(ReviewStamp Review, Task<FetchedChildren> Fetch)>();
        var after = resumed?.NextUrl;
        var position = resumed?.Position ?? 0;
        try
        {
            while (true)
            {
                // The follow of a leader waits for more reviews only with nothing in flight: what was fetched lands first.
                while (inFlight.Count < window.Size && await reviews.NextAsync(mayWait: inFlight.Count == 0, cancellationToken) is { } next)
                {
                    inFlight.Enqueue((next, FetchAsync(run, next, window, fetching.Token)));
                }

                if (!inFlight.TryDequeue(out var head))
                {
                    break;
                }

                var fetched = await head.Fetch;
                if (failures.Record(fetched.Failure is not null) && fetched.Failure is { } last)
                {
                    throw failures.Overwhelmed(Stream, last);
                }

                position++;
                var checkpoint = run.Checkpoint(position, new ListCursor(run.RunId, 0, head.Review.ReviewId, false, null, null, 0, position).ToJson());
                yield return await LandAsync(run, head.Review, fetched, checkpoint, reviews.TotalPages is { } total ? Math.Max(total, position) : null, cancellationToken);
                after = head.Review.ReviewId;
            }
        }
        finally
        {
            // A walk that stops early (cancelled, failed, or left at a page boundary) lands nothing more: the fetches
            // ahead of the checkpoint are cancelled, and waited for, so none outlives the walk.
            await fetching.CancelAsync();
            await Task.WhenAll(inFlight.Select(static f => (Task)f.Fetch))
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }

        position++;
        await mirror.WriteCheckpointAsync(run.Checkpoint(position, new ListCursor(run.RunId, 0, after, true, null, null, 0, position).ToJson()), cancellationToken);
    }

    /// <summary>Fetches one review's whole list, telling <paramref name="window"/> how upstream did.</summary>
    private async Task<FetchedChildren> FetchAsync(StreamRun run, ReviewStamp review, AdaptiveWindow window, CancellationToken cancellationToken)
    {
        var round = window.Started();
        var spec = run.Spec;
        var url = Stream == StreamNames.ReviewVersions
            ? acc.ReviewVersionsUrl(run.Acc(), spec.ProjectId, review.ReviewId)
            : acc.ReviewProgressUrl(run.Acc(), spec.ProjectId, review.ReviewId);
        var records = new List<JsonElement>();
        var calls = 0;
        var throttled = 0;
        var signal = default(FetchSignal);
        try
        {
            await foreach (var page in acc.ReadAllAsync(run.Acc(), url, cancellationToken))
            {
                records.AddRange(page.Records);
                calls += page.Calls;
                throttled += page.Throttled;
                signal = signal.And(FetchSignal.Of(page));
            }
        }
        catch (AccException e) when (ChildFetchFailures.IsOneReviews(e))
        {
            // After the client's retries. Even a 404 is no proof that the children are gone (a review hidden for a
            // while, a proxy's answer): the stored ones stay, one dead letter names the review, the next run asks again.
            if (ChildFetchFailures.IsUpstreamTrouble(e))
            {
                window.Completed(round, new FetchSignal(TimeSpan.Zero, 0, 1, 0));
            }

            return new FetchedChildren([], calls + 1, throttled, e);
        }

        window.Completed(round, signal);
        return new FetchedChildren(records, calls, throttled, null);
    }

    /// <summary>Replaces the review's stored children with its fetched list (or dead-letters it), with <paramref name="checkpoint"/>.</summary>
    private async Task<PageLanded> LandAsync(
        StreamRun run, ReviewStamp review, FetchedChildren fetched, Checkpoint checkpoint, long? totalPages, CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        if (fetched.Failure is { } failure)
        {
            var (endpoint, reason) = ChildFetchFailures.Describe(failure);
            var failed = new PageTally(1, 0, fetched.Calls, fetched.Throttled, null, totalPages);
            var dead = await mirror.DeadLetterReviewChildrenAsync(
                spec.ProjectId, Stream, review.ReviewId, endpoint, reason, checkpoint with { Tally = failed }, spec.TaskId, cancellationToken);
            return new PageLanded(failed, dead, UpstreamFailed: ChildFetchFailures.IsUpstreamTrouble(failure));
        }

        var tally = new PageTally(1, fetched.Records.Count, fetched.Calls, fetched.Throttled, null, totalPages);
        var written = await mirror.ReplaceReviewChildrenAsync(
            spec.ProjectId, Stream, review.ReviewId, review.UpdatedAt, fetched.Records, checkpoint with { Tally = tally }, spec.TaskId, cancellationToken);
        return new PageLanded(tally, written);
    }

    /// <summary>One review's fetched list, or why it could not be read (<c>Failure</c>, for a dead letter).</summary>
    private sealed record class FetchedChildren(IReadOnlyList<JsonElement> Records, int Calls, int Throttled, AccException? Failure);
}
