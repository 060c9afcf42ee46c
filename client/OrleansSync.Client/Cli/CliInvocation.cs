using System.CommandLine;
using Spectre.Console;

namespace OrleansSync.Client.Cli;

/// <summary>
/// Where one command reads its settings and writes its output. The executable gives the process's environment and
/// console; a host that runs commands in its own process (the test suite) gives writers and variables of its own, so
/// that commands run side by side without sharing a console. The Orleans client's own log (<c>--verbose</c>) always
/// goes to the process's stderr.
/// </summary>
public sealed class CliInvocation : InvocationConfiguration
{
    private CliInvocation(TextWriter output, TextWriter error, IAnsiConsole console, Func<string, string?> variable)
    {
        Output = output;
        Error = error;
        Console = console;
        Variable = variable;
        // Errors become exit codes in one place (OrleansSyncCli.RunAsync), never a stack trace.
        EnableDefaultExceptionHandler = false;
    }

    /// <summary>Tables and markup for people, written to <see cref="InvocationConfiguration.Output"/>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>An environment variable's value, or null when it is not set.</summary>
    public Func<string, string?> Variable { get; }

    /// <summary>The process's own stdout, stderr and environment.</summary>
    public static CliInvocation ForProcess() =>
        new(System.Console.Out, System.Console.Error, AnsiConsole.Console, Environment.GetEnvironmentVariable);

    /// <summary>
    /// Writers and variables of the caller's. The tables are plain text 80 columns wide, as the executable writes them
    /// when its output is not a terminal.
    /// </summary>
    public static CliInvocation ForWriters(TextWriter output, TextWriter error, Func<string, string?> variable)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        return new CliInvocation(output, error, console, variable);
    }
}
