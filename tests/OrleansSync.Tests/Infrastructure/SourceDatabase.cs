using Npgsql;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL database playing a project's source: a fresh, unmigrated <see cref="TestDatabase"/> the test fills with
/// its own SQL, handed to silos through a declared secret variable of the test process (in-process silos read it there).
/// </summary>
public sealed class SourceDatabase : IAsyncDisposable
{
    private SourceDatabase(TestDatabase database, string variable)
    {
        Database = database;
        Variable = variable;
    }

    public TestDatabase Database { get; }

    /// <summary>The declared variable (<c>ORLEANSSYNC_SECRET_…</c>, unique to this source) holding its connection string.</summary>
    public string Variable { get; }

    public string ConnectionString => Database.ConnectionString;

    /// <summary>A fresh source database, its connection string set in this process under <see cref="Variable"/>.</summary>
    public static async Task<SourceDatabase> CreateAsync(CancellationToken cancellationToken) =>
        Declare(await TestDatabase.CreateAsync(migrate: false, cancellationToken));

    /// <summary>A fresh source database on a server of the test's own (where its role is a superuser, and may replicate).</summary>
    public static async Task<SourceDatabase> CreateOnAsync(OwnPostgresServer server, CancellationToken cancellationToken) =>
        Declare(await TestDatabase.CreateOnAsync(server, cancellationToken, migrate: false));

    private static SourceDatabase Declare(TestDatabase database)
    {
        var variable = $"ORLEANSSYNC_SECRET_PGSRC_{Guid.NewGuid():N}"[..40].ToUpperInvariant();
        Environment.SetEnvironmentVariable(variable, database.ConnectionString);
        return new SourceDatabase(database, variable);
    }

    /// <summary>Runs the test's own SQL (several statements at once) on the source.</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Database.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Every row of <paramref name="table"/> (a quoted, qualified name) as PostgreSQL prints the row, sorted: two tables with the same rows print the same.</summary>
    public static Task<List<string>> RowsAsync(TestDatabase database, string table, CancellationToken cancellationToken) =>
        database.ListAsync($"SELECT r::text FROM {table} AS r ORDER BY 1", static r => r.GetString(0), cancellationToken);

    /// <summary>The columns of <paramref name="schema"/>.<paramref name="table"/> as "name type [not null]" in order, and its primary key's columns.</summary>
    public static async Task<(List<string> Columns, List<string> Key)> ShapeAsync(TestDatabase database, string schema, string table, CancellationToken cancellationToken)
    {
        var columns = await database.ListAsync(
            """
            SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
              FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = @schema AND c.relname = @table AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """,
            static r => r.GetString(0),
            cancellationToken,
            ("schema", schema),
            ("table", table));
        var key = await database.ListAsync(
            """
            SELECT a.attname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
             WHERE n.nspname = @schema AND c.relname = @table AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)
            """,
            static r => r.GetString(0),
            cancellationToken,
            ("schema", schema),
            ("table", table));
        return (columns, key);
    }

    public async ValueTask DisposeAsync()
    {
        Environment.SetEnvironmentVariable(Variable, null);
        NpgsqlConnection.ClearAllPools();
        await Database.DisposeAsync();
    }
}
