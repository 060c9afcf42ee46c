using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrleansSync.Schema;

namespace OrleansSync.Benchmarks.Hosting;

/// <summary>
/// A fresh, migrated PostgreSQL database on the server <c>ORLEANSSYNC_PG</c> points at (the local default otherwise),
/// dropped at the end. Named <c>ost_…</c> like the tests' databases, so deploy/local/test.sh drops one a killed run left.
/// </summary>
public sealed class BenchmarkDatabase : IAsyncDisposable
{
    private const string DefaultServer = "Host=127.0.0.1;Port=5432;Database=orleanssync;Username=orleanssync;Password=orleanssync";

    private readonly string _adminConnectionString;

    private BenchmarkDatabase(string adminConnectionString, string name)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>
    /// <see cref="ConnectionString"/> with a capped pool, for a silo: a stock PostgreSQL allows 100 connections, shared
    /// with whatever else runs on the machine, and Npgsql's default pool is 100.
    /// </summary>
    public string PooledConnectionString(int maxPoolSize) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = maxPoolSize }.ConnectionString;

    public static async Task<BenchmarkDatabase> CreateAsync(CancellationToken cancellationToken)
    {
        var admin = Environment.GetEnvironmentVariable("ORLEANSSYNC_PG") is { Length: > 0 } pg ? pg : DefaultServer;
        var name = $"ost_bench_{Guid.NewGuid():N}"[..24];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var database = new BenchmarkDatabase(admin, name);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(cancellationToken);
        return database;
    }

    /// <summary>One value from a query with named parameters (e.g. <c>("p", projectId)</c>).</summary>
    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        var rows = await ListAsync(sql, static r => r.GetFieldValue<T>(0), cancellationToken, parameters);
        return rows.Single();
    }

    /// <summary>Every row of a query with named parameters, each read by <paramref name="read"/>.</summary>
    public async Task<List<T>> ListAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        // FORCE ends sessions still open; an autovacuum worker may refuse it for a moment, so try again until a deadline.
        // A database left behind is named like the tests' and dropped by deploy/local/test.sh.
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(TimeSpan.FromMilliseconds(250)))
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.ObjectInUse or PostgresErrorCodes.InsufficientPrivilege)
            {
                if (DateTime.UtcNow > deadline)
                {
                    return;
                }
            }
        }
    }
}
