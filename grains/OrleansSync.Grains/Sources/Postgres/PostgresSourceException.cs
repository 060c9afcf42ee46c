namespace OrleansSync.Sources.Postgres;

/// <summary>
/// The source database refused or failed a read: unreachable, a refused login, a missing table, a table the mirror
/// cannot hold. All are transient to the task (it waits with backoff: someone may fix the source, and nothing is
/// lost meanwhile); at <c>project add</c> the same message refuses the project. Messages name the table or the
/// setting, never the connection string.
/// </summary>
public sealed class PostgresSourceException(string message) : SourceException(message)
{
    public override bool IsTransient => true;
}
