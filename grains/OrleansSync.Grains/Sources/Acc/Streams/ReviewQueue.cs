using OrleansSync.Sources.Acc.Mirror;

namespace OrleansSync.Sources.Acc.Streams;

/// <summary>The reviews a children walk visits, handed out one at a time (<see cref="ReviewChildrenRunner.WalkAsync"/>).</summary>
internal interface IReviewQueue : IDisposable
{
    /// <summary>The reviews the walk visits in all as far as known now (what it visited included), for percent and ETA; null when unknown.</summary>
    long? TotalPages { get; }

    /// <summary>
    /// The next review to visit. Null when the walk is done; or, when <paramref name="mayWait"/> is false, when none is
    /// there without waiting (the walk lands what it has in flight first, then asks again, willing to wait).
    /// </summary>
    Task<ReviewStamp?> NextAsync(bool mayWait, CancellationToken cancellationToken);
}

/// <summary>The reviews to visit in one pass of keyset order, read a batch at a time after the last one handed out.</summary>
/// <param name="nextBatch">The next reviews after the given review id (null: from the first); empty when none is left.</param>
/// <param name="after">The review to start after (a resumed walk's last review done), or null for the first.</param>
/// <param name="totalPages">The reviews the walk visits in all, where known.</param>
internal sealed class ReviewKeyset(Func<string?, CancellationToken, Task<IReadOnlyList<ReviewStamp>>> nextBatch, string? after, long? totalPages) : IReviewQueue
{
    private readonly Queue<ReviewStamp> _batch = new();
    private string? _after = after;
    private bool _done;

    public long? TotalPages => totalPages;

    public async Task<ReviewStamp?> NextAsync(bool mayWait, CancellationToken cancellationToken)
    {
        if (_batch.Count == 0 && !_done)
        {
            var batch = await nextBatch(_after, cancellationToken);
            _done = batch.Count == 0;
            foreach (var review in batch)
            {
                _batch.Enqueue(review);
            }
        }

        if (!_batch.TryDequeue(out var next))
        {
            return null;
        }

        _after = next.ReviewId;
        return next;
    }

    public void Dispose()
    {
    }
}
