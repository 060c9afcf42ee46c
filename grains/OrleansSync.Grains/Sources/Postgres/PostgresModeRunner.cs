using OrleansSync.Sources.Postgres.Cdc;
using OrleansSync.Sources.Postgres.Cursor;

namespace OrleansSync.Sources.Postgres;

/// <summary>A PostgreSQL table's stream, read by the runner of its project's mode (<see cref="PostgresModes"/>): every table of a project is read the same way.</summary>
public sealed class PostgresModeRunner(SnapshotRunner snapshot, CursorRunner cursor, CdcRunner cdc) : IStreamRunner
{
    public string Stream => PostgresSourceKind.KindName;

    public IAsyncEnumerable<PageLanded> RunAsync(StreamRun run, CancellationToken cancellationToken) => PostgresModes.Normalise(run.Spec.Mode) switch
    {
        PostgresModes.Cursor => cursor.RunAsync(run, cancellationToken),
        PostgresModes.Cdc => cdc.RunAsync(run, cancellationToken),
        _ => snapshot.RunAsync(run, cancellationToken),
    };
}
