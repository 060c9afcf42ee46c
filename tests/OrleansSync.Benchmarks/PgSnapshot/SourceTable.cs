using Npgsql;
using OrleansSync.Benchmarks.Hosting;

namespace OrleansSync.Benchmarks.PgSnapshot;

/// <summary>The source table of <c>pg-snapshot</c>: rows of mixed types, NULLs among them, made by the server itself.</summary>
public static class SourceTable
{
    public const string Name = "public.items";

    public const string Columns =
        "(id bigint PRIMARY KEY, name text NOT NULL, amount numeric(14,4), at timestamptz NOT NULL, tags text[], doc jsonb, flag boolean, ref uuid, blob bytea)";

    public static async Task CreateAsync(BenchmarkDatabase database, int rows, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
            CREATE TABLE {Name} {Columns};
            INSERT INTO {Name}
            SELECT g, 'item ' || g || repeat('x', g % 40),
                   CASE WHEN g % 13 = 0 THEN NULL ELSE (g % 100000) / 7.0 END,
                   timestamptz '2026-01-01 00:00:00Z' + g * interval '1 second',
                   ARRAY['t' || g % 5, 't' || g % 7],
                   CASE WHEN g % 11 = 0 THEN NULL ELSE jsonb_build_object('n', g, 'even', g % 2 = 0, 'label', 'l' || g % 97) END,
                   g % 3 = 0, md5(g::text)::uuid, decode(md5(g::text), 'hex')
              FROM generate_series(1, @rows) AS g;
            ANALYZE {Name};
            """,
            connection);
        command.Parameters.AddWithValue("rows", rows);
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>An md5 of every row's text in key order: equal on both sides when the mirror is exact.</summary>
    public static Task<string> DigestAsync(BenchmarkDatabase database, string schema, CancellationToken cancellationToken) =>
        TableDigest.Md5Async(database.ConnectionString, $"{schema}.items", ["id", "name", "amount", "at", "tags", "doc", "flag", "ref", "blob"], cancellationToken);
}
