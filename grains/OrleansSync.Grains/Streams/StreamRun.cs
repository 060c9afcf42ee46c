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

/// <summary>One page committed: what it held and cost (<see cref="PageTally"/>, committed with it) and what it did to the mirror.</summary>
/// <param name="Tally">Records read, upstream calls and 429s, upstream's total, the run's expected pages.</param>
/// <param name="Result">Inserted, updated, unchanged, dead-lettered.</param>
public sealed record class PageLanded(PageTally Tally, PageWriteResult Result);
