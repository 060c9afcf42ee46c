namespace OrleansSync.Tasks;

/// <summary>A task's counters. <see cref="TotalRecords"/> is upstream's total where it says one.</summary>
/// <param name="Pages">Pages landed, each in one transaction with its checkpoint.</param>
/// <param name="RecordsRead">Records received.</param>
/// <param name="Inserted">Records new to the mirror.</param>
/// <param name="Updated">Records that changed a mirror row.</param>
/// <param name="Unchanged">Records equal to (or older than) the mirror's row.</param>
/// <param name="DeadLettered">Records (or whole child lists) sent to <c>sync.dead_letters</c>.</param>
/// <param name="TotalRecords">Upstream's total, where it says.</param>
/// <param name="Calls">HTTP calls to upstream, every retry and token request included.</param>
/// <param name="Throttled">429 answers among <paramref name="Calls"/>: waits upstream asked for, not failures.</param>
/// <param name="TotalPages">The pages the run expects in all, where known and no record total is (children: the reviews to visit).</param>
/// <param name="Deleted">Mirror rows deleted because the source no longer has them (a postgres snapshot's merge).</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.Tasks.TaskProgress")]
public sealed record class TaskProgress(
    [property: Id(0)] long Pages,
    [property: Id(1)] long RecordsRead,
    [property: Id(2)] long Inserted,
    [property: Id(3)] long Updated,
    [property: Id(4)] long Unchanged,
    [property: Id(5)] long DeadLettered,
    [property: Id(6)] long? TotalRecords,
    [property: Id(7)] long Calls,
    [property: Id(8)] long Throttled = 0,
    [property: Id(9)] long? TotalPages = null,
    [property: Id(10)] long Deleted = 0)
{
    public static TaskProgress Zero { get; } = new(0, 0, 0, 0, 0, 0, null, 0);

    /// <summary>0–100 where the total is known (records, else pages), else null.</summary>
    public double? Percent => Fraction is { } f ? Math.Min(100.0, 100.0 * f) : null;

    /// <summary>Work done of the total, in the unit the total is known in (records, else pages); null when neither is.</summary>
    public double? Fraction => TotalRecords is > 0 and var records ? (double)RecordsRead / records
        : TotalPages is > 0 and var pages ? (double)Pages / pages
        : TotalRecords == 0 || TotalPages == 0 ? 1.0
        : null;
}
