using OrleansSync.Sources.Postgres.Cdc;

namespace OrleansSync.Sources.Postgres;

/// <summary>A PostgreSQL table's stream, read by the runner of its project's mode (<see cref="PostgresModes"/>): every table of a project is read the same way.</summary>
public sealed class PostgresModeRunner(SnapshotRunner snapshot, CdcRunner cdc) : IStreamRunner
{
    public string Stream => PostgresSourceKind.KindName;

    public IAsyncEnumerable<PageLanded> RunAsync(StreamRun run, CancellationToken cancellationToken) =>
        (PostgresModes.Normalise(run.Spec.Mode) == PostgresModes.Cdc ? (IStreamRunner)cdc : snapshot).RunAsync(run, cancellationToken);
}
