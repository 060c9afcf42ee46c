using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Failures;

/// <summary>
/// Makes PostgreSQL refuse the first N writes of one kind to one table, through a trigger. A sequence counts them:
/// it is not rolled back with the refused statement, so "the first N" stays true.
/// </summary>
public static class FailOnce
{
    /// <param name="database">The test's database.</param>
    /// <param name="name">A name for this failure (an identifier: letters and '_').</param>
    /// <param name="table">The table, e.g. <c>sync.runs</c>.</param>
    /// <param name="operation">INSERT or UPDATE.</param>
    /// <param name="times">How many writes to refuse.</param>
    /// <param name="when">An extra trigger condition on NEW, or <c>true</c>.</param>
    /// <param name="ct">The test's token.</param>
    public static Task ArmAsync(TestDatabase database, string name, string table, string operation, int times, string when, CancellationToken ct) =>
        // Every part is a constant of the calling test, never input.
        database.ScalarAsync<object>(
            $"""
            CREATE SEQUENCE sync.fail_{name};
            CREATE FUNCTION sync.fail_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('sync.fail_{name}') <= {times} THEN
                    RAISE EXCEPTION 'test: {operation} on {table} refused ({name})';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER fail_{name} BEFORE {operation} ON {table}
                FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION sync.fail_{name}();
            """,
            ct);

    /// <summary>How many writes reached the trigger (refused or let through).</summary>
    public static async Task<long> HitsAsync(TestDatabase database, string name, CancellationToken ct) =>
        await database.ScalarAsync<bool>($"SELECT is_called FROM sync.fail_{name}", ct)
            ? await database.ScalarAsync<long>($"SELECT last_value FROM sync.fail_{name}", ct)
            : 0;
}
