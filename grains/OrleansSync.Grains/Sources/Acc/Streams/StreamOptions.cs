using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansSync.Sources.Acc.Streams;

/// <summary>Section <c>OrleansSync:Streams</c>: how the ACC streams read incrementally. Validated at start.</summary>
public sealed class StreamOptions
{
    public const string Section = "OrleansSync:Streams";

    /// <summary>
    /// Incremental review reads start this long before the last complete run began listing (on upstream's clock), so
    /// clock skew and a review written just as the listing began cannot slip between two runs.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan ReviewOverlap { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Reviews fetched per query when walking the reviews whose children are stale.</summary>
    [Range(1, 10_000)]
    public int ChildrenBatch { get; set; } = 50;

    /// <summary>
    /// The cap of a children task's adaptive window: at most this many reviews' children fetched at once (they still
    /// land one review at a time, in order). 1 fetches one review at a time. See <see cref="AdaptiveWindow"/>.
    /// </summary>
    [Range(1, 64)]
    public int MaxChildrenInFlight { get; set; } = 8;

    /// <summary>
    /// How long a children task that follows its run's reviews task waits, once it has visited every review landed so
    /// far, before it looks for more (see <see cref="ReviewsFollowingLeader"/>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan FollowPoll { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How many of the reviews last landed by a children task count when judging whether upstream, not one review,
    /// is failing (see <see cref="ChildFetchFailures"/>).
    /// </summary>
    [Range(1, 10_000)]
    public int ChildFailureWindow { get; set; } = 20;

    /// <summary>The share of <see cref="ChildFailureWindow"/> that must fail before the task fails; until then each failing review is dead-lettered.</summary>
    [Range(0.0, 1.0)]
    public double ChildFailureShare { get; set; } = 0.5;

    /// <summary>The fewest failing reviews in the window that can fail the task: one or two broken reviews never do.</summary>
    [Range(1, 10_000)]
    public int ChildFailureMinimum { get; set; } = 3;

    /// <summary>
    /// The most open review dead letters a run of the reviews stream fetches again, one by one, before it lists
    /// (least recently retried first). 0 turns the retries off.
    /// </summary>
    [Range(0, 10_000)]
    public int DeadLetterRetries { get; set; } = 50;
}

[OptionsValidator]
public sealed partial class StreamOptionsValidator : IValidateOptions<StreamOptions>;
