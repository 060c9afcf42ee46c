using System.CommandLine;
using OrleansSync.Client.Connection;

namespace OrleansSync.Client.Cli;

/// <summary>The options every command shares, and what a command needs to run: output and a way to the cluster.</summary>
public sealed class CliContext
{
    public static readonly Option<bool> JsonOption = new("--json")
    {
        Description = "Print one JSON document on stdout instead of tables.",
        Recursive = true,
    };

    public static readonly Option<bool> VerboseOption = new("--verbose")
    {
        Description = "Log the Orleans client's own messages to stderr.",
        Recursive = true,
    };

    public static readonly Option<int> TimeoutOption = new("--connect-timeout")
    {
        Description = "Seconds to wait for a gateway (or PostgreSQL) before giving up with exit code 3.",
        DefaultValueFactory = static _ => 15,
        Recursive = true,
    };

    private CliContext(ParseResult parse, CliOutput output)
    {
        Parse = parse;
        Output = output;
    }

    public ParseResult Parse { get; }

    public CliOutput Output { get; }

    public bool Verbose => Parse.GetValue(VerboseOption);

    public static CliContext From(ParseResult parse) =>
        new(parse, new CliOutput(parse.GetValue(JsonOption), Spectre.Console.AnsiConsole.Console));

    public ClientSettings Settings()
    {
        var seconds = Parse.GetValue(TimeoutOption);
        if (seconds is < 1 or > 3600)
        {
            throw CliException.BadInput($"--connect-timeout {seconds} is out of range: give 1 to 3600 seconds.");
        }

        return ClientSettings.FromEnvironment(TimeSpan.FromSeconds(seconds));
    }

    public Task<ClusterConnection> ConnectAsync(CancellationToken cancellationToken) =>
        ClusterConnection.ConnectAsync(Settings(), Verbose, cancellationToken);
}
