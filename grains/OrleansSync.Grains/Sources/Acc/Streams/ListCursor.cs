using System.Text.Json.Serialization;
using System.Text.Json;
using OrleansSync.Sources.Acc.Mirror;

namespace OrleansSync.Sources.Acc.Streams;

/// <summary>
/// Where a multi-list stream is (e.g. reviews: the active list, then the archived one). Stored as the checkpoint's
/// cursor. A cursor of another run is not resumed, only consulted for where the last complete run got to.
/// </summary>
/// <param name="RunId">The run that wrote it.</param>
/// <param name="Phase">Index of the list being read.</param>
/// <param name="NextUrl">The page to read next in that list; null when the list is finished. For children: the last review done.</param>
/// <param name="Done">The run read every list to the end.</param>
/// <param name="Since">The updatedAt lower bound this run reads from (reviews), null for a full read.</param>
/// <param name="HighWater">
/// When this run began listing, on upstream's clock (its <c>Date</c> header, else ours): the next incremental run reads
/// from here minus the overlap, so whatever changed while this run read is read again (reviews).
/// </param>
/// <param name="CompletedTotal">Upstream totals of the lists finished so far, for progress percentages.</param>
/// <param name="Position">Pages this run has landed; the checkpoint's guard against moving backwards.</param>
/// <param name="Announced">The totalResults the list being read announced, to see it drift across a resume.</param>
/// <param name="Listed">Records read of the list being read; null when not known (a cursor written before it was kept).</param>
/// <param name="Rereads">Times the list being read drifted and was started again, toward <c>OrleansSync:Acc:MaxListRereads</c>.</param>
/// <param name="Anchor">
/// The record the page at <paramref name="NextUrl"/> must start with, when that URL asks one record early (the last
/// record read): a resumed read checks it, and does not count or land it twice.
/// </param>
public sealed record class ListCursor(
    string RunId,
    int Phase,
    string? NextUrl,
    bool Done,
    DateTimeOffset? Since,
    DateTimeOffset? HighWater,
    long CompletedTotal,
    long Position = 0,
    int? Announced = null,
    long? Listed = null,
    int Rereads = 0,
    string? Anchor = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>A new run's cursor at the start of its first list.</summary>
    public static ListCursor Start(StreamRun run, DateTimeOffset? since) => new(run.RunId, 0, null, false, since, null, 0, Listed: 0);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The stream's saved cursor (of whichever run wrote it), or null when none was written.</summary>
    public static async Task<ListCursor?> ReadAsync(MirrorWriter mirror, StreamRun run, CancellationToken cancellationToken) =>
        FromJson((await mirror.ReadCheckpointAsync(run.Spec.ProjectId, run.Spec.Stream, run.Scope, cancellationToken))?.CursorJson);

    /// <summary>This run wrote the cursor and did not finish: continue from it.</summary>
    public bool IsUnfinishedRunOf(StreamRun run) => !Done && RunId == run.RunId;

    /// <summary>This run already read everything (its end was not recorded before the task stopped): nothing to read again.</summary>
    public bool IsFinishedRunOf(StreamRun run) => Done && RunId == run.RunId;

    public static ListCursor? FromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<ListCursor>(json, Json);
}
