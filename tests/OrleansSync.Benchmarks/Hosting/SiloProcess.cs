using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrleansSync.Benchmarks.Hosting;

/// <summary>A real silo process (the built OrleansSync.Silo.dll, as deploy/local/up.sh starts it), its output in a log file.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SiloProcess(Process process, string name, int httpPort, string logPath)
    {
        _process = process;
        Name = name;
        HttpPort = httpPort;
        LogPath = logPath;
    }

    public string Name { get; }

    public int HttpPort { get; }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Resident memory of the process now (Linux: VmRSS).</summary>
    public long WorkingSetBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    public static SiloProcess Start(string name, string connectionString, string clusterId, string logDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        var ports = FreePorts(3);
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
        start.Environment["ORLEANSSYNC_PG"] = connectionString;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var log = TextWriter.Synchronized(new StreamWriter(logPath) { AutoFlush = true });
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SiloProcess(process, name, ports[2], logPath);

        void Append(string? line)
        {
            if (line is not null)
            {
                try
                {
                    log.WriteLine(line);
                }
                catch (ObjectDisposedException)
                {
                    // Output racing the end of the process is dropped.
                }
            }
        }
    }

    /// <summary>SIGKILL: no goodbye to the cluster; failure detection has to notice.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public string LogTail(int lines = 30)
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

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(static _ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(static l => l.Start());
            return [.. listeners.Select(static l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(static l => l.Stop());
        }
    }
}
