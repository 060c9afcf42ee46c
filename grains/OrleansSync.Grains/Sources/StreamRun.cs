using OrleansSync.Pipeline;
using OrleansSync.Tasks;

namespace OrleansSync.Sources;

/// <summary>What a runner works for: the task's spec and the connection its source kind made for this run.</summary>
public sealed class StreamRun(SyncTaskSpec spec, ISourceConnection connection, Func<(ulong Position, Task Raised)>? wantedPosition = null, IRunSlot? slot = null)
{
    public SyncTaskSpec Spec { get; } = spec;

    /// <summary>The kind's own connection (<see cref="ISourceKind.ConnectAsync"/>); only that kind's runners read it.</summary>
    public ISourceConnection Connection { get; } = connection;

    /// <summary>
    /// The source position a caller waits for the mirror to reach (<see cref="ISyncTaskGrain.WantPositionAsync"/>), 0
    /// when none does: a streaming runner that is quiet checkpoints sooner while it is behind it.
    /// </summary>
    public ulong WantedPosition => wantedPosition?.Invoke().Position ?? 0;

    /// <summary>Completes when a caller next asks for a position (it never does for a run without callers).</summary>
    public Task PositionWanted => wantedPosition?.Invoke().Raised ?? Never.Task;

    /// <summary>Checkpoints of this run carry its id, so a cursor left by an earlier run is never resumed.</summary>
    public string RunId => Spec.RunId;

    /// <summary>Where its checkpoints live: <c>""</c> for a project's runs, the day's own scope for a backfill day.</summary>
    public string Scope => Spec is { BackfillId: { } backfill, From: { } from } ? $"backfill:{backfill}:{from.UtcDateTime:yyyy-MM-dd}" : "";

    public Checkpoint Checkpoint(long position, string cursorJson) => new(Spec.ProjectId, Spec.Stream, Spec.TaskId, Spec.RunId, position, cursorJson, Scope);

    /// <summary>The same run reading (and checkpointing) another stream: a backfill day may read several of its kind's streams.</summary>
    public StreamRun For(string stream) => new(Spec with { Stream = stream }, Connection, wantedPosition, slot);

    /// <summary>The silo's run slot the run holds, to give back while it waits for another task; null when it holds none.</summary>
    public IRunSlot? Slot => slot;
}

/// <summary>A task that never completes.</summary>
file static class Never
{
    private static readonly TaskCompletionSource Source = new();

    public static Task Task => Source.Task;
}

/// <summary>One page committed: what it held and cost (<see cref="PageTally"/>, committed with it) and what it did to the mirror.</summary>
/// <param name="Tally">Records read, upstream calls and 429s, upstream's total, the run's expected pages.</param>
/// <param name="Result">Inserted, updated, unchanged, dead-lettered.</param>
/// <param name="Position">
/// For a streaming source, the position (a PostgreSQL capture's LSN) up to which the mirror now holds everything the
/// source committed; null otherwise.
/// </param>
/// <param name="UpstreamFailed">
/// The page holds only a dead letter because upstream failed the call (a review's children: 5xx, no answer,
/// garbage): progress, but no sign that upstream works, so the task's breaker does not count it as a success.
/// </param>
public sealed record class PageLanded(PageTally Tally, PageWriteResult Result, ulong? Position = null, bool UpstreamFailed = false);
