using System.Diagnostics;
using System.Runtime.InteropServices;
using OrleansSync.Silo.Hosting;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>A real silo process (the built OrleansSync.Silo.dll), as deploy/local/up.sh starts it.</summary>
public sealed partial class SiloProcess : IAsyncDisposable
{
    private const int SigTerm = 15;

    private readonly Process _process;

    private SiloProcess(Process process, string name, int siloPort, int gatewayPort, int httpPort, string logPath)
    {
        _process = process;
        Name = name;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
        LogPath = logPath;
    }

    public string Name { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public int HttpPort { get; }

    public string LogPath { get; }

    /// <summary>The process's id (a benchmark reads its CPU time from /proc).</summary>
    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The process's resident memory now (the scheduler benchmark's per-project figure).</summary>
    public long WorkingSetBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>The process's exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts a silo on free ports; <paramref name="arguments"/> are extra flags (e.g. <c>--http-host</c>). A
    /// <paramref name="shortLived"/> silo (a test's) runs without the JIT's tier-up (<see cref="ChildProcessRuntime"/>);
    /// a benchmark's keeps the runtime's defaults, as production does.
    /// </summary>
    public static SiloProcess Start(
        string name,
        string connectionString,
        string clusterId,
        string logDirectory,
        IReadOnlyDictionary<string, string?>? environment = null,
        IReadOnlyList<string>? arguments = null,
        bool shortLived = true)
    {
        var ports = FreePorts.Take(3);
        var logPath = Path.Combine(logDirectory, $"{name}.log");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                RepoPaths.SiloDll, "--name", name, "--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}", "--http-port", $"{ports[2]}",
                "--cluster-id", clusterId, "--service-id", clusterId, "--migrate", "false",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ORLEANSSYNC_PG"] = connectionString;
        // As in InProcessCluster: the budget is off unless the test sets it, with limits matching its emulator's.
        start.Environment["OrleansSync__RateBudget__Enabled"] = "false";
        // Production silos keep Orleans' failure detection; test silos are declared dead in seconds, as up.sh's.
        foreach (var (key, value) in MembershipSettings.FastFailureDetectionVariables)
        {
            start.Environment[key] = value;
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        if (shortLived)
        {
            ChildProcessRuntime.Apply(start);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var sync = new object();
        // The log closes once both streams have ended, not when the process exits: the exit is often seen before the
        // last lines are read (a silo refusing its settings says why in them).
        var open = 2;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SiloProcess(process, name, ports[0], ports[1], ports[2], logPath);

        void Append(string? line)
        {
            lock (sync)
            {
                if (line is not null)
                {
                    log.WriteLine(line);
                }
                else if (--open == 0)
                {
                    log.Dispose();
                }
            }
        }
    }

    /// <summary>
    /// Waits for a process expected to stop on its own (e.g. refusing its settings), up to <paramref name="within"/>,
    /// and for the last of its output to reach the log; returns its exit code.
    /// </summary>
    public async Task<int> ExitedAsync(TimeSpan within, string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(within);
        try
        {
            // With output read asynchronously, this also waits until the output's last line has been handled.
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Waited {within.TotalSeconds:0} s for: {what}\n{LogTail()}");
        }

        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no goodbye to the cluster; failure detection has to notice.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: the graceful path (the silo leaves the cluster), as down.sh does it.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        _ = Kill(_process.Id, SigTerm);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    public string LogTail(int lines = 40)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return string.Join('\n', reader.ReadToEnd().Split('\n').TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(log unreadable: {e.Message})";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
