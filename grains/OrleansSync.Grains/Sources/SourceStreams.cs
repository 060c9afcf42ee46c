namespace OrleansSync.Sources;

/// <summary>A source kind's streams, as a project and a backfill plan runs with them without knowing the kind.</summary>
/// <param name="Project">The streams a project may sync, in the order a run starts them; a project syncs all by default.</param>
/// <param name="Follows">
/// Streams that start only once another stream of the same run has succeeded, as follower to leader: a follower reads
/// what its leader landed. When the leader ends otherwise, its followers that have not started are cancelled.
/// </param>
/// <param name="Backfill">The stream one day of a backfill runs (it may read several streams in turn), or null when the kind has no backfill.</param>
/// <param name="FollowAsLanded">
/// Followers start with their leader instead and read what it lands as it lands, in an incremental run and a full one
/// alike: their tasks' specs name the leader's task (<c>SyncTaskSpec.LeaderTaskId</c>), and their runners end once the
/// leader has ended and nothing more is left.
/// </param>
public sealed record class SourceStreams(IReadOnlyList<string> Project, IReadOnlyDictionary<string, string> Follows, string? Backfill, bool FollowAsLanded = false)
{
    /// <summary>The stream <paramref name="stream"/> waits for, or null when it starts with the run.</summary>
    public string? LeaderOf(string stream) => Follows.GetValueOrDefault(stream);

    /// <summary>Every stream a task may run: the project's and the backfill's.</summary>
    public IEnumerable<string> All => Backfill is { } backfill ? [.. Project, backfill] : Project;
}
