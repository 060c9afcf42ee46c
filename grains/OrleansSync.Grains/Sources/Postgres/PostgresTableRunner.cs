using OrleansSync.Sources.Postgres.Cursor;

namespace OrleansSync.Sources.Postgres;

/// <summary>Every table of a PostgreSQL source is read by its project's mode: the runner of that mode reads it.</summary>
public sealed class PostgresTableRunner(SnapshotRunner snapshot, CursorRunner cursor) : IStreamRunner
{
    public string Stream => "postgres table";

    public IAsyncEnumerable<PageLanded> RunAsync(StreamRun run, CancellationToken cancellationToken) => run.Spec.Mode switch
    {
        PostgresModes.Cursor => cursor.RunAsync(run, cancellationToken),
        _ => snapshot.RunAsync(run, cancellationToken),
    };
}
