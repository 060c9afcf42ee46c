using OrleansSync.Acc;
using OrleansSync.Pipeline;
using OrleansSync.Tasks;

namespace OrleansSync.Streams;

/// <summary>What a runner works for: the task's spec and the upstream connection.</summary>
public sealed class StreamRun(SyncTaskSpec spec, AccConnection connection)
{
    public SyncTaskSpec Spec { get; } = spec;

    public AccConnection Connection { get; } = connection;

    /// <summary>Checkpoints of this run carry its id, so a cursor left by an earlier run is never resumed.</summary>
    public string RunId => Spec.RunId;

    public Checkpoint Checkpoint(long position, string cursorJson) => new(Spec.ProjectId, Spec.Stream, Spec.TaskId, Spec.RunId, position, cursorJson);
}

/// <summary>One page committed: what was read, what it cost, and what it did to the mirror.</summary>
/// <param name="RecordsRead">Records in the page.</param>
/// <param name="Calls">Upstream calls the page took.</param>
/// <param name="TotalRecords">The stream's expected total so far, where upstream says.</param>
/// <param name="Result">Inserted, updated, unchanged, dead-lettered.</param>
/// <param name="Throttled">429 answers among <paramref name="Calls"/>.</param>
public sealed record class PageLanded(int RecordsRead, int Calls, long? TotalRecords, PageWriteResult Result, int Throttled = 0);
