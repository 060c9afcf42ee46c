namespace OrleansSync.Tasks;

/// <summary>What a task reads: changes since the high-water mark, everything, or one backfill day. Lower-case in <c>sync.progress.kind</c>.</summary>
[GenerateSerializer, Alias("OrleansSync.Tasks.SyncKind")]
public enum SyncKind
{
    Incremental = 0,
    Full = 1,
    Backfill = 2,
}
