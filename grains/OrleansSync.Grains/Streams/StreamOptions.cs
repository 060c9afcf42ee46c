namespace OrleansSync.Streams;

/// <summary>Section <c>OrleansSync:Streams</c>: how the ACC streams read incrementally.</summary>
public sealed class StreamOptions
{
    public const string Section = "OrleansSync:Streams";

    /// <summary>
    /// Incremental review reads start this long before the last run's high-water mark, so a review written upstream
    /// while the last run read (with an updatedAt just under the mark) is not missed.
    /// </summary>
    public TimeSpan ReviewOverlap { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Reviews fetched per query when walking the reviews whose children are stale.</summary>
    public int ChildrenBatch { get; set; } = 50;
}
