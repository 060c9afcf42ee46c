namespace OrleansSync.Tasks;

/// <summary>A task's counters. <see cref="TotalRecords"/> is upstream's total where it says one.</summary>
[GenerateSerializer, Immutable, Alias("OrleansSync.Tasks.TaskProgress")]
public sealed record class TaskProgress(
    [property: Id(0)] long Pages,
    [property: Id(1)] long RecordsRead,
    [property: Id(2)] long Inserted,
    [property: Id(3)] long Updated,
    [property: Id(4)] long Unchanged,
    [property: Id(5)] long DeadLettered,
    [property: Id(6)] long? TotalRecords,
    [property: Id(7)] long Calls)
{
    public static TaskProgress Zero { get; } = new(0, 0, 0, 0, 0, 0, null, 0);

    /// <summary>0–100 where upstream gave a total, else null.</summary>
    public double? Percent => TotalRecords is > 0 and var total ? Math.Min(100.0, 100.0 * RecordsRead / total) : null;
}
