using System.Diagnostics;
using System.Runtime.Versioning;
using Npgsql;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Scripts;

/// <summary>
/// deploy/local's scripts: postgres.sh refuses a bad ORLEANSSYNC_PG before it touches PostgreSQL, and down.sh signals
/// only processes that are still our silos or emulator. down.sh works in a throw-away ORLEANSSYNC_RUN_DIR, so a local
/// cluster started by up.sh is never touched.
/// </summary>
public sealed class LocalScriptTests
{
    private const string PasswordMarker = "pw-marker-7f3a";

    [Theory]
    [InlineData("Host=127.0.0.1;Username=Bobby\"--drop;Password=" + PasswordMarker, "Username is not a plain role name")]
    [InlineData("Host=127.0.0.1;Username=orleanssync;Password=" + PasswordMarker + ";Database='x; DROP DATABASE orleanssync'", "Database is not a plain database name")]
    [InlineData("Host=db.example.com;Username=orleanssync;Password=" + PasswordMarker, "Host is db.example.com")]
    [InlineData("Host=127.0.0.1;Username=orleanssync;Password='" + PasswordMarker, "quoted value of Password is not closed")]
    [InlineData("Host=127.0.0.1;Username=orleanssync;Password=" + PasswordMarker + ";x;Database=orleanssync", "has no '='")]
    [InlineData("Host=127.0.0.1;Username=orleanssync;Database=orleanssync", "has no Password")]
    public async Task PostgresSh_BadConnectionString_ExitsTwoBeforeAnySql(string connectionString, string expected)
    {
        var (code, output) = await RunAsync("postgres.sh", [], new() { ["ORLEANSSYNC_PG"] = connectionString }, TestContext.Current.CancellationToken);

        Assert.Equal(2, code);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.Contains("ORLEANSSYNC_PG", output, StringComparison.Ordinal);
        Assert.DoesNotContain(PasswordMarker, output, StringComparison.Ordinal);
        Assert.DoesNotContain("creating", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ready on", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostgresShCheck_QuotedValuesAndSynonyms_ReadsThemAsNpgsql()
    {
        var connectionString = $" Server = localhost ; Port=5432;User Id='app_role';PWD='{PasswordMarker};''x';DB=app_db";

        var (code, output) = await RunAsync("postgres.sh", ["--check"], new() { ["ORLEANSSYNC_PG"] = connectionString }, TestContext.Current.CancellationToken);

        Assert.Equal(0, code);
        Assert.Contains("role app_role, database app_db on localhost:5432", output, StringComparison.Ordinal);
        Assert.DoesNotContain(PasswordMarker, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownSh_PidFiles_SignalsOnlyOurProcessesAndRemovesEveryFile()
    {
        var ct = TestContext.Current.CancellationToken;
        var runDir = Directory.CreateTempSubdirectory("orleanssync-run-");
        // A live process that is not ours, as a pid reused after a reboot would be.
        using var stranger = Process.Start("sleep", "60");
        // A process whose command line is a silo of this clone, as up.sh starts one (dotnet <silo dll> ...).
        using var silo = Process.Start("bash", ["-c", "exec -a \"$0\" sleep 60", RepoPaths.SiloDll]);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(runDir.FullName, "silo-0.pid"), $"{stranger.Id}\n", ct);
            await File.WriteAllTextAsync(Path.Combine(runDir.FullName, "silo-1.pid"), $"{silo.Id}\n", ct);
            await File.WriteAllTextAsync(Path.Combine(runDir.FullName, "emulator.pid"), "-1\n", ct);
            await Eventually.UntilAsync(
                async () => (await File.ReadAllTextAsync($"/proc/{silo.Id}/cmdline", ct)).StartsWith(RepoPaths.SiloDll, StringComparison.Ordinal),
                TimeSpan.FromSeconds(10), "the stand-in silo to exec", ct);

            var (code, output) = await RunAsync("down.sh", [], new() { ["ORLEANSSYNC_RUN_DIR"] = runDir.FullName, ["ORLEANSSYNC_STOP_GRACE"] = "20" }, ct);

            Assert.Equal(0, code);
            Assert.Contains($"silo-0: pid {stranger.Id} is not a silo or emulator", output, StringComparison.Ordinal);
            Assert.Contains("silo-1 stopped", output, StringComparison.Ordinal);
            Assert.Contains("emulator was not running", output, StringComparison.Ordinal);
            Assert.False(stranger.HasExited, "down.sh signalled a process that is not ours");
            Assert.True(silo.WaitForExit(TimeSpan.FromSeconds(5)), "down.sh left our silo running");
            Assert.Empty(runDir.GetFiles("*.pid"));
        }
        finally
        {
            foreach (var process in new[] { stranger, silo })
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }
            }

            runDir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task DropDatabasesSh_NameWithQuoteAndSemicolon_DropsOnlyThatDatabase()
    {
        var ct = TestContext.Current.CancellationToken;
        // Not ost_*: other runs' databases on this server are never matched.
        var prefix = $"dropsh{Guid.NewGuid():N}"[..16];
        var bystander = $"{prefix}k";
        var hostile = $"{prefix}a\"; DROP DATABASE \"{bystander}\"; --'";
        await using var server = new NpgsqlConnection(TestDatabase.Server);
        await server.OpenAsync(ct);
        foreach (var name in new[] { hostile, bystander })
        {
            // An identifier cannot be a parameter; doubled quotes make it one name, whatever it holds.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", server);
            await create.ExecuteNonQueryAsync(ct);
        }

        try
        {
            var (code, output) = await RunAsync("drop-databases.sh", [$"{prefix}a%"], [], ct);

            Assert.True(code == 0, output);
            Assert.Equal([bystander], await DatabasesAsync(server, prefix, ct));
        }
        finally
        {
            await RunAsync("drop-databases.sh", [$"{prefix}%"], [], ct);
        }

        Assert.Empty(await DatabasesAsync(server, prefix, ct));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task TlsSh_ExistingFolderNamedWithSpaceAndQuote_KeepsItsModeAndWritesAnEnvFileThatSources()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = Directory.CreateTempSubdirectory("ost-tls-");
        try
        {
            var shared = Path.Combine(root.FullName, "shared it's here");
            Directory.CreateDirectory(shared, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            var made = Path.Combine(root.FullName, "made here");

            var (code, output) = await RunAsync("tls.sh", [shared], [], ct);
            Assert.True(code == 0, output);
            Assert.True((await RunAsync("tls.sh", [made], [], ct)).Code == 0);

            // A folder that was there keeps its mode; one tls.sh made is its owner's alone; the files are the owner's alone in both.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, File.GetUnixFileMode(shared));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(made));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(shared, "env")));

            // The env file, sourced as the README says, gives the paths as they are, quote and space included.
            var env = Path.Combine(shared, "env");
            var (printed, values) = await BashAsync("set -a; . \"$1\"; set +a; printf '%s\\n' \"$ORLEANSSYNC_TLS_CERT\" \"$ORLEANSSYNC_TLS_CA\"", env, ct);
            Assert.True(printed == 0, values);
            Assert.Equal([Path.Combine(shared, "client.pfx"), Path.Combine(shared, "ca.pem")], values.TrimEnd('\n').Split('\n'));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static async Task<List<string>> DatabasesAsync(NpgsqlConnection server, string prefix, CancellationToken ct)
    {
        await using var query = new NpgsqlCommand("SELECT datname FROM pg_database WHERE starts_with(datname, @prefix) ORDER BY datname", server);
        query.Parameters.AddWithValue("prefix", prefix);
        await using var reader = await query.ExecuteReaderAsync(ct);
        var names = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static async Task<(int Code, string Output)> RunAsync(string script, string[] args, Dictionary<string, string> environment, CancellationToken ct)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "deploy", "local", script));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>Runs a bash snippet with one argument (<c>$1</c>).</summary>
    private static async Task<(int Code, string Output)> BashAsync(string snippet, string argument, CancellationToken ct)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(snippet);
        start.ArgumentList.Add("bash");
        start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
