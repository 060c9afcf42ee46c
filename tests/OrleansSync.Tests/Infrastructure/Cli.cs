using System.Diagnostics;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>Runs the real <c>orleanssync</c> executable (or another of ours) and captures what a script would see.</summary>
public static class Cli
{
    public sealed record class Result(int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed);

    public static Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken, params string[] args) =>
        RunDotnetAsync(RepoPaths.ClientDll, environment, null, cancellationToken, args);

    /// <summary>Runs one of the repository's executables (a built dll) with <c>dotnet</c>, bounded to 2 minutes.</summary>
    public static Task<Result> RunDotnetAsync(
        string dll, IReadOnlyDictionary<string, string> environment, string? workingDirectory, CancellationToken cancellationToken, params string[] args) =>
        RunDotnetAsync(dll, environment, workingDirectory, TimeSpan.FromMinutes(2), cancellationToken, args);

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
