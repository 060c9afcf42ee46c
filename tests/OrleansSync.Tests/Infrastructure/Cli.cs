using System.Diagnostics;
using OrleansSync.Client.Cli;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>Runs <c>orleanssync</c> commands (or another of our executables) and captures what a script would see.</summary>
public static class Cli
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(2);

    public sealed record class Result(int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed);

    /// <summary>
    /// Runs a command in this process, through the code the executable runs after its <c>Main</c>
    /// (<see cref="OrleansSyncCli.RunAsync"/>), with its own stdout, stderr and variables: <paramref name="environment"/>
    /// over this process's. A command costs a fraction of the CPU a new process takes to start; the few tests about the
    /// executable itself use <see cref="RunProcessAsync"/>. Bounded to 2 minutes.
    /// </summary>
    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var invocation = CliInvocation.ForWriters(
            TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), name => environment.TryGetValue(name, out var value) ? value : Environment.GetEnvironmentVariable(name));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandLimit);
        var clock = Stopwatch.StartNew();
        var exitCode = await OrleansSyncCli.RunAsync(args, invocation, timeout.Token);
        cancellationToken.ThrowIfCancellationRequested();
        if (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"orleanssync {string.Join(' ', args)} did not end within {CommandLimit.TotalMinutes:0.#} minutes");
        }

        return new Result(exitCode, stdout.ToString(), stderr.ToString(), clock.Elapsed);
    }

    /// <summary>Runs the real <c>orleanssync</c> executable in a process of its own.</summary>
    public static Task<Result> RunProcessAsync(IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken, params string[] args) =>
        RunDotnetAsync(RepoPaths.ClientDll, environment, null, cancellationToken, args);

    /// <summary>Runs one of the repository's executables (a built dll) with <c>dotnet</c>, bounded to 2 minutes.</summary>
    public static Task<Result> RunDotnetAsync(
        string dll, IReadOnlyDictionary<string, string> environment, string? workingDirectory, CancellationToken cancellationToken, params string[] args) =>
        RunDotnetAsync(dll, environment, workingDirectory, CommandLimit, cancellationToken, args);

    /// <summary>Runs one of the repository's executables (a built dll) with <c>dotnet</c>, bounded to <paramref name="limit"/>.</summary>
    public static async Task<Result> RunDotnetAsync(
        string dll, IReadOnlyDictionary<string, string> environment, string? workingDirectory, TimeSpan limit, CancellationToken cancellationToken, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        ChildProcessRuntime.Apply(start);

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileNameWithoutExtension(dll)} {string.Join(' ', args)} did not exit within {limit.TotalMinutes:0.#} minutes");
        }

        return new Result(process.ExitCode, await stdout, await stderr, clock.Elapsed);
    }
}
