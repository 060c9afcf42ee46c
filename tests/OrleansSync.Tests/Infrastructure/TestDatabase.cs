using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrleansSync.Schema;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL database on the server ORLEANSSYNC_PG points at (the local default otherwise),
/// so every cluster and schema test starts from nothing and leaves nothing behind.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private const string DefaultServer = "Host=127.0.0.1;Port=5432;Database=orleanssync;Username=orleanssync;Password=orleanssync";

    private readonly string _adminConnectionString;

    private TestDatabase(string adminConnectionString, string name, string connectionString)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The server every test database is made on, as the role that owns them.</summary>
    public static string Server => Environment.GetEnvironmentVariable("ORLEANSSYNC_PG") is { Length: > 0 } pg ? pg : DefaultServer;

    public static async Task<TestDatabase> CreateAsync(bool migrate, CancellationToken cancellationToken)
    {
        var admin = Server;
        // A migrated database is a copy of one template migrated once per test process: CREATE DATABASE … TEMPLATE
        // copies files, where running every migration again takes a second or more per database.
        var template = migrate ? await MigratedTemplateAsync(admin, cancellationToken) : null;
        var name = NewName();
        await CreateAsync(admin, name, template, cancellationToken);
        return new TestDatabase(admin, name, ConnectionStringOf(admin, name));
    }

    /// <summary>A database on a server of the test's own (<see cref="OwnPostgresServer"/>), migrated in place unless <paramref name="migrate"/> is false.</summary>
    public static async Task<TestDatabase> CreateOnAsync(OwnPostgresServer server, CancellationToken cancellationToken, bool migrate = true)
    {
        var name = NewName();
        await CreateAsync(server.ConnectionString, name, template: null, cancellationToken);
        var database = new TestDatabase(server.ConnectionString, name, ConnectionStringOf(server.ConnectionString, name));
        if (migrate)
        {
            await database.MigrateAsync(cancellationToken);
        }

        return database;
    }

    public Task<MigrationReport> MigrateAsync(CancellationToken cancellationToken) =>
        new SchemaMigrator(DataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(cancellationToken);

    private static readonly SemaphoreSlim TemplateGate = new(1, 1);
    private static string? _template;

    /// <summary>The process's migrated template database, made on first use and dropped when the process exits.</summary>
    private static async Task<string> MigratedTemplateAsync(string admin, CancellationToken cancellationToken)
    {
        await TemplateGate.WaitAsync(cancellationToken);
        try
        {
            if (_template is { } made)
            {
                return made;
            }

            var name = NewName();
            await CreateAsync(admin, name, template: null, cancellationToken);
            // The migrator's data source is closed before any copy: PostgreSQL copies only a template nobody is connected to.
            await using (var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(ConnectionStringOf(admin, name)) { Pooling = false }.ConnectionString))
            {
                await new SchemaMigrator(source, NullLogger<SchemaMigrator>.Instance).MigrateAsync(cancellationToken);
            }

            AppDomain.CurrentDomain.ProcessExit += (_, _) => DropQuietly(admin, name);
            return _template = name;
        }
        finally
        {
            TemplateGate.Release();
        }
    }

    private static string NewName() => $"ost_{Guid.NewGuid():N}"[..20];

    private static string ConnectionStringOf(string admin, string name) =>
        new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true }.ConnectionString;

    /// <summary>One CREATE DATABASE at a time in this process: PostgreSQL copies a template only while nobody else uses it.</summary>
    private static readonly SemaphoreSlim CreateGate = new(1, 1);

    private static async Task CreateAsync(string admin, string name, string? template, CancellationToken cancellationToken)
    {
        await CreateGate.WaitAsync(cancellationToken);
        try
        {
            await CreateOneAsync(admin, name, template, cancellationToken);
        }
        finally
        {
            CreateGate.Release();
        }
    }

    private static async Task CreateOneAsync(string admin, string name, string? template, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(cancellationToken);
        // Names are ours (ost_ and hex digits), never input.
        await using var create = new NpgsqlCommand(template is null ? $"CREATE DATABASE \"{name}\"" : $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Best effort at exit; a template left behind is dropped by test.sh with the other ost_ databases.</summary>
    private static void DropQuietly(string admin, string name)
    {
        try
        {
            using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Pooling = false }.ConnectionString);
            connection.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            drop.ExecuteNonQuery();
        }
        catch (NpgsqlException)
        {
        }
    }

    public async Task<T?> ScalarAsync<T>(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is null or DBNull ? default : (T)result;
    }

    public async Task<List<T>> ListAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        // FORCE ends our own sessions; an autovacuum worker (a superuser backend) on a freshly written database may
        // still refuse it for a moment, so try again until a deadline. A database left behind is dropped by test.sh.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                return;
            }
        }
    }
}
