using System.Net.Sockets;

namespace OrleansSync.Emulator.Cli;

/// <summary>The emulator as a process: parse flags, start, print one ready line, run until SIGTERM or Ctrl-C.</summary>
internal static class EmulatorCommand
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadUsage = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var parsed = CommandLine.Parse(args);
        if (parsed.Help)
        {
            await stdout.WriteLineAsync(CommandLine.Usage);
            return Ok;
        }

        if (parsed.Error is { } error)
        {
            await stderr.WriteLineAsync($"error: {error}");
            await stderr.WriteLineAsync("Run with --help for the list of flags.");
            return BadUsage;
        }

        AccEmulator emulator;
        try
        {
            emulator = await AccEmulator.StartAsync(parsed.Options, ownsConsole: true, CancellationToken.None);
        }
        catch (IOException e) when (e.InnerException is SocketException || e.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            await stderr.WriteLineAsync($"error: cannot listen on {parsed.Options.Host}:{parsed.Options.Port}: {e.Message}");
            return Failed;
        }

        await using (emulator)
        {
            emulator.ThrottleNext(parsed.ThrottleNext);
            var client = emulator.DefaultClient;

            // One line, stable, for scripts to wait for and parse.
            await stdout.WriteLineAsync(
                $"ACC emulator ready: base_url={emulator.BaseUrl.ToString().TrimEnd('/')} client_id={client.ClientId} " +
                $"client_secret={client.ClientSecret} account_id={emulator.AccountId} projects={emulator.ProjectIds.Count}");
            await stdout.FlushAsync();
            await emulator.WaitForShutdownAsync();
        }

        return Ok;
    }
}
