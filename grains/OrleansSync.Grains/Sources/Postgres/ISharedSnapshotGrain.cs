using OrleansSync.Security;
using OrleansSync.Tasks;

namespace OrleansSync.Sources.Postgres;

/// <summary>
/// One snapshot of a project's source database shared by every table a snapshot run reads (key:
/// <see cref="SharedSnapshotKey.Of"/>), so the tables are copied as of one instant, as one transaction would see them:
/// it holds a REPEATABLE READ transaction of the source open, exported with <c>pg_export_snapshot()</c>, and each
/// table's reader imports it (<c>SET TRANSACTION SNAPSHOT</c>). It lets the transaction go once every table of the run
/// is read, or the run is over.
/// </summary>
[Alias("OrleansSync.Sources.Postgres.ISharedSnapshotGrain")]
public interface ISharedSnapshotGrain : IGrainWithStringKey
{
    /// <summary>
    /// The run's snapshot id, exported at the first call; null when there is nothing to share (the run reads one
    /// table, or is no longer the project's current run) or the source would not export one: the reader takes its own.
    /// </summary>
    [Alias("Join"), SiloOnly]
    Task<string?> JoinAsync(SyncTaskSpec spec, CancellationToken cancellationToken = default);

    /// <summary>The table <paramref name="stream"/> is read to its end: the snapshot is kept for the others only.</summary>
    [Alias("Done"), SiloOnly]
    Task DoneAsync(string stream, CancellationToken cancellationToken = default);
}

/// <summary>The key of a run's <see cref="ISharedSnapshotGrain"/>.</summary>
public static class SharedSnapshotKey
{
    public static string Of(SyncTaskSpec spec) => $"{ProjectIds.Normalize(spec.ProjectId)}/{spec.RunId}";
}
