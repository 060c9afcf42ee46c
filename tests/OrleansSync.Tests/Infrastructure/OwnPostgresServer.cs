using System.Security.Cryptography;
using Npgsql;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of one test's own: a cluster made with initdb in a temporary directory, listening on
/// 127.0.0.1 on a free port, run as the <c>postgres</c> user with the binaries of the installed version. A test that
/// stops and starts its server uses one, so the tests running beside it keep theirs.
/// </summary>
public sealed class OwnPostgresServer : IAsyncDisposable
{
    private const string Role = "orleanssync";

    private readonly string _bin;
    private readonly DirectoryInfo _root;
    private readonly int _port;
    private readonly string _settings;

    private OwnPostgresServer(string bin, DirectoryInfo root, int port, string password, IReadOnlyDictionary<string, string>? settings)
    {
        _bin = bin;
        _root = root;
        _port = port;
        _settings = string.Concat((settings ?? new Dictionary<string, string>()).Select(static s => $" -c {s.Key}={s.Value}"));
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Database = "postgres", Username = Role, Password = password,
        }.ConnectionString;
    }

    /// <summary>The superuser's connection string, to the <c>postgres</c> database: the admin server of a <c>TestDatabase</c>.</summary>
    public string ConnectionString { get; }

    private string DataDirectory => Path.Combine(_root.FullName, "data");

    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="settings">Server settings of the test's (<c>wal_level</c>, …), given to every start.</param>
    public static async Task<OwnPostgresServer> CreateAsync(CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? settings = null)
    {
        var (version, _, _) = await PostgresServer.ClusterAsync(cancellationToken);
        var bin = $"/usr/lib/postgresql/{version}/bin";
        var root = Directory.CreateTempSubdirectory("ost-pg-");
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var server = new OwnPostgresServer(bin, root, FreePorts.Take(1)[0], password, settings);
        try
        {
            var passwordFile = Path.Combine(root.FullName, "password");
            await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
            await PostgresServer.RunCheckedAsync("chown", ["-R", "postgres", root.FullName], cancellationToken);
            await server.AsPostgresAsync(
                "initdb",
                ["-D", server.DataDirectory, "-U", Role, $"--pwfile={passwordFile}", "--auth-host=scram-sha-256", "--auth-local=peer", "--no-sync"],
                cancellationToken);
            File.Delete(passwordFile);
            await server.StartAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server (again) and waits until it takes connections.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => AsPostgresAsync(
        "pg_ctl",
        [
            "-D", DataDirectory, "-l", Path.Combine(_root.FullName, "server.log"), "-w", "-t", "60",
            "-o", $"-p {_port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={_root.FullName} -c max_connections=100{_settings}",
            "start",
        ],
        cancellationToken);

    /// <summary>Stops the server at once (fast shutdown: sessions are ended, nothing committed is lost).</summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        AsPostgresAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], cancellationToken);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await AsPostgresAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], CancellationToken.None);
        }

        _root.Delete(recursive: true);
    }

    private Task AsPostgresAsync(string program, string[] args, CancellationToken cancellationToken) =>
        PostgresServer.RunCheckedAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, program), .. args], cancellationToken);
}
