using OrleansSync.Security;

namespace OrleansSync.Retention;

/// <summary>
/// The cluster's one cleaner (key 0) of <c>sync.progress</c>, <c>sync.runs</c>, resolved <c>sync.dead_letters</c> and backfill checkpoints:
/// a reminder runs it every <see cref="RetentionOptions.Period"/>, so it survives any silo's loss.
/// </summary>
[Alias("OrleansSync.Retention.IRetentionGrain")]
public interface IRetentionGrain : IGrainWithIntegerKey
{
    /// <summary>Registers the reminder when it does not exist yet; every silo calls it as it starts.</summary>
    [Alias("Ensure"), SiloOnly]
    Task EnsureScheduledAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes what is older than <see cref="RetentionOptions.Keep"/> now.</summary>
    [Alias("Clean"), SiloOnly]
    Task<RetentionResult> CleanAsync(CancellationToken cancellationToken = default);
}

/// <summary>Rows one cleaning deleted, by table.</summary>
[GenerateSerializer, Immutable, Alias("OrleansSync.Retention.RetentionResult")]
public sealed record class RetentionResult(
    [property: Id(0)] long Progress, [property: Id(1)] long Runs, [property: Id(2)] long DeadLetters, [property: Id(3)] long BackfillCheckpoints);
