using OrleansSync.Pipeline;
using OrleansSync.Sources.Acc.Mirror;

namespace OrleansSync.Sources.Acc.Streams;

/// <summary>
/// The reviews needing children while the run's reviews task (the leader) still lands them, for a walk that runs
/// with it. Reviews land in the list's order, not in id order, so one may land below the keyset cursor: the walk goes
/// in keyset passes, and each pass that reaches the end starts again from the first review, skipping those this walk
/// handed out already (a dead-lettered review still needs its children, and is not fetched twice in one walk). A pass
/// that finds nothing new waits <see cref="StreamOptions.FollowPoll"/> while the leader runs; the walk is done after a
/// pass that started once the leader had ended and found nothing new. While it waits, the run says so
/// (<see cref="RunWaits.BeginLeader"/>): waiting for the leader is not a hang; and it gives back its run slot until it
/// has a review again (<see cref="IRunSlot"/>), so a leader waiting in line for a slot gets one.
/// </summary>
/// <param name="nextBatch">The next reviews needing children after the given review id (null: from the first).</param>
/// <param name="countNeeding">How many reviews need children now, for the growing total.</param>
/// <param name="leaderEnded">Whether the leader's task has ended, whatever its outcome.</param>
/// <param name="resumed">A resumed walk's last review done and reviews visited, or null for a fresh walk.</param>
/// <param name="poll">The wait between two passes that found nothing new.</param>
/// <param name="time">The clock of the wait.</param>
/// <param name="slot">The run's slot, given back while it waits; null when it holds none.</param>
internal sealed class ReviewsFollowingLeader(
    Func<string?, CancellationToken, Task<IReadOnlyList<ReviewStamp>>> nextBatch,
    Func<CancellationToken, Task<long>> countNeeding,
    Func<CancellationToken, Task<bool>> leaderEnded,
    ListCursor? resumed,
    TimeSpan poll,
    TimeProvider time,
    IRunSlot? slot) : IReviewQueue
{
    private readonly Queue<ReviewStamp> _batch = new();
    private readonly HashSet<string> _visited = new(StringComparer.Ordinal);

    // The pass: where it is, whether it reached the end and whether it found any review not handed out before. The
    // first pass of a resumed walk goes on from its checkpoint; every later pass starts from the first review.
    private string? _after = resumed?.NextUrl;
    private bool _passEnded;
    private bool _foundInPass;
    private bool _countWanted = true;

    // The leader was seen ended; and the current pass started after that, so when it finds nothing the walk is done.
    private bool _leaderEnded;
    private bool _passAfterLeaderEnded;
    private bool _done;

    private long _handedOut = resumed?.Position ?? 0;
    private long? _total;
    private IDisposable? _waiting;

    public long? TotalPages => _total;

    public async Task<ReviewStamp?> NextAsync(bool mayWait, CancellationToken cancellationToken)
    {
        while (!_done)
        {
            if (_countWanted)
            {
                // Grows as reviews land: what this walk handed out, and what needs children now (those in flight
                // counted twice), so the percent stays below 100 until the walk ends.
                _countWanted = false;
                _total = Math.Max(_total ?? 0, _handedOut + await countNeeding(cancellationToken));
            }

            if (_batch.TryDequeue(out var review))
            {
                if (_visited.Add(review.ReviewId))
                {
                    _foundInPass = true;
                    _handedOut++;
                    if (slot is not null)
                    {
                        await slot.TakeAgainAsync(cancellationToken);
                    }

                    StopWaiting();
                    return review;
                }

                continue;
            }

            if (!_passEnded)
            {
                var batch = await nextBatch(_after, cancellationToken);
                foreach (var found in batch)
                {
                    _batch.Enqueue(found);
                }

                _passEnded = batch.Count == 0;
                _after = batch.Count > 0 ? batch[^1].ReviewId : _after;
                continue;
            }

            if (!_foundInPass)
            {
                if (_passAfterLeaderEnded)
                {
                    _done = true;
                    break;
                }

                _waiting ??= RunWaits.Current?.BeginLeader();
                if (!mayWait)
                {
                    return null;
                }

                _leaderEnded = _leaderEnded || await leaderEnded(cancellationToken);
                if (!_leaderEnded)
                {
                    if (slot is not null)
                    {
                        await slot.GiveBackAsync();
                    }

                    await Task.Delay(poll, time, cancellationToken);
                }
            }

            // A new pass from the first review; the total is counted again when reviews landed since.
            _countWanted = _foundInPass;
            _passAfterLeaderEnded = _leaderEnded;
            (_after, _passEnded, _foundInPass) = (null, false, false);
        }

        StopWaiting();
        return null;
    }

    public void Dispose() => StopWaiting();

    private void StopWaiting()
    {
        _waiting?.Dispose();
        _waiting = null;
    }
}
