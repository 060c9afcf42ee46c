using System.Diagnostics;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>Stops and starts the local PostgreSQL cluster that every test database lives in (Debian's pg_ctlcluster).</summary>
public static class PostgresServer
{
    public static Task StopAsync(CancellationToken cancellationToken) => ControlAsync("stop", cancellationToken);

    public static Task StartAsync(CancellationToken cancellationToken) => ControlAsync("start", cancellationToken);

    private static async Task ControlAsync(string action, CancellationToken cancellationToken)
    {
        var (version, name) = await ClusterAsync(cancellationToken);
        var (code, output) = await RunAsync("pg_ctlcluster", [version, name, action, .. action == "stop" ? new[] { "-m", "fast" } : []], cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"pg_ctlcluster {version} {name} {action} exited {code}: {output}");
        }
    }

    /// <summary>The first cluster pg_lsclusters lists: the one deploy/local/postgres.sh started.</summary>
    private static async Task<(string Version, string Name)> ClusterAsync(CancellationToken cancellationToken)
    {
        var (code, output) = await RunAsync("pg_lsclusters", ["-h"], cancellationToken);
        var fields = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return code == 0 && fields is { Length: >= 2 }
            ? (fields[0], fields[1])
            : throw new InvalidOperationException($"pg_lsclusters found no PostgreSQL cluster: {output}");
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
