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

    /// <summary>Where its checkpoints live: <c>""</c> for a project's runs, the day's own scope for a backfill day.</summary>
    public string Scope => Spec is { BackfillId: { } backfill, From: { } from } ? $"backfill:{backfill}:{from.UtcDateTime:yyyy-MM-dd}" : "";

    public Checkpoint Checkpoint(long position, string cursorJson) => new(Spec.ProjectId, Spec.Stream, Spec.TaskId, Spec.RunId, position, cursorJson, Scope);

    /// <summary>The same run reading (and checkpointing) another stream: a backfill day reads reviews, then their children.</summary>
    public StreamRun For(string stream) => new(Spec with { Stream = stream }, Connection);
}

/// <summary>One page committed: what was read, what it cost, and what it did to the mirror.</summary>
/// <param name="RecordsRead">Records in the page.</param>
/// <param name="Calls">Upstream calls the page took.</param>
/// <param name="TotalRecords">The stream's expected total so far, where upstream says.</param>
/// <param name="Result">Inserted, updated, unchanged, dead-lettered.</param>
/// <param name="Throttled">429 answers among <paramref name="Calls"/>.</param>
public sealed record class PageLanded(int RecordsRead, int Calls, long? TotalRecords, PageWriteResult Result, int Throttled = 0);
