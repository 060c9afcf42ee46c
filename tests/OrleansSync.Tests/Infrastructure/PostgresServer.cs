using System.Diagnostics;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>The local PostgreSQL cluster that every test database lives in (Debian's, started by postgres.sh).</summary>
public static class PostgresServer
{
    /// <summary>
    /// A login role with <paramref name="password"/> that inherits <paramref name="memberOf"/>'s privileges (the owner
    /// of every test database), made as the server's superuser through psql: for tests that need a password of their own.
    /// </summary>
    public static Task CreateLoginRoleAsync(string role, string password, string memberOf, CancellationToken cancellationToken) =>
        PsqlAsync(
            "\\getenv password ORLEANSSYNC_ROLE_PASSWORD\nCREATE ROLE :\"role\" LOGIN PASSWORD :'password' IN ROLE :\"member_of\"",
            cancellationToken,
            new Dictionary<string, string> { ["ORLEANSSYNC_ROLE_PASSWORD"] = password },
            ("role", role),
            ("member_of", memberOf));

    /// <summary>Drops a role made by <see cref="CreateLoginRoleAsync"/>, ending its sessions first.</summary>
    public static Task DropRoleAsync(string role, CancellationToken cancellationToken) =>
        PsqlAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :'role';\nDROP ROLE IF EXISTS :\"role\"", cancellationToken, new Dictionary<string, string>(), ("role", role));

    // psql quotes :'x' and :"x" safely only in scripts it reads from stdin, so the script goes there, values as -v;
    // a password through the environment (\getenv), not the arguments any local user sees in ps.
    private static async Task PsqlAsync(string script, CancellationToken cancellationToken, IReadOnlyDictionary<string, string> environment, params (string Name, string Value)[] variables)
    {
        var (_, _, port) = await ClusterAsync(cancellationToken);
        string[] args = ["-u", "postgres", "--", "psql", "-p", port, "-q", "-v", "ON_ERROR_STOP=1", .. variables.SelectMany(static v => new[] { "-v", $"{v.Name}={v.Value}" })];
        await RunCheckedAsync("runuser", args, cancellationToken, stdin: script, environment: environment);
    }

    /// <summary>Runs <paramref name="file"/> and throws, with its output, when it exits non-zero.</summary>
    internal static async Task RunCheckedAsync(
        string file, string[] args, CancellationToken cancellationToken, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (code, output) = await RunAsync(file, args, cancellationToken, stdin, environment);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {code}: {output}");
        }
    }

    /// <summary>The first cluster pg_lsclusters lists: the one deploy/local/postgres.sh started.</summary>
    internal static async Task<(string Version, string Name, string Port)> ClusterAsync(CancellationToken cancellationToken)
    {
        var (code, output) = await RunAsync("pg_lsclusters", ["-h"], cancellationToken);
        var fields = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return code == 0 && fields is { Length: >= 3 }
            ? (fields[0], fields[1], fields[2])
            : throw new InvalidOperationException($"pg_lsclusters found no PostgreSQL cluster: {output}");
    }

    private static async Task<(int Code, string Output)> RunAsync(
        string file, string[] args, CancellationToken cancellationToken, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false, WorkingDirectory = "/",
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
