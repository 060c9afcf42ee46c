using OrleansSync.Tasks;

namespace OrleansSync.Projects;

/// <summary>
/// One stream of a project as it stands (<c>project show</c>): its mirror, the rows it holds, where its checkpoint is,
/// and the task of the current (else the last) run with its lag.
/// </summary>
/// <param name="Stream">The stream (a PostgreSQL source's table).</param>
/// <param name="Mirror">Its mirror table in the cluster's database, where the kind has one per stream.</param>
/// <param name="Rows">Rows in the mirror now; null when it does not exist yet.</param>
/// <param name="RowsEstimated">True when counting took too long and <paramref name="Rows"/> is PostgreSQL's estimate.</param>
/// <param name="Position">Where its checkpoint is, in the kind's words (a snapshot's last key, a cursor's value, a capture's LSN).</param>
/// <param name="TaskId">The stream's task in the current run, else in the last one.</param>
/// <param name="Status">That task's status.</param>
/// <param name="Lag">How far that task is behind its source, for a stream that does not end.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.Projects.StreamStanding")]
public sealed record class StreamStanding(
    [property: Id(0)] string Stream,
    [property: Id(1)] string? Mirror = null,
    [property: Id(2)] long? Rows = null,
    [property: Id(3)] bool RowsEstimated = false,
    [property: Id(4)] string? Position = null,
    [property: Id(5)] string? TaskId = null,
    [property: Id(6)] SyncTaskStatus? Status = null,
    [property: Id(7)] StreamLag? Lag = null);
