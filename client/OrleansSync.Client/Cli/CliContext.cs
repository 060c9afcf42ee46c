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

    public static readonly Option<string?> TlsCertificateOption = new("--tls-cert")
    {
        Description = "This client's certificate (a PFX file) for gateways that require mutual TLS; overrides ORLEANSSYNC_TLS_CERT. " +
            "Its password comes from ORLEANSSYNC_TLS_CERT_PASSWORD only.",
        Recursive = true,
    };

    public static readonly Option<string?> TlsCaOption = new("--tls-ca")
    {
        Description = "The cluster CA's PEM certificate, which the gateways' certificates must chain to; overrides ORLEANSSYNC_TLS_CA.",
        Recursive = true,
    };

    private readonly Func<string, string?> _variable;

    private CliContext(ParseResult parse, CliOutput output, Func<string, string?> variable)
    {
        Parse = parse;
        Output = output;
        _variable = variable;
    }

    public ParseResult Parse { get; }

    public CliOutput Output { get; }

    public bool Verbose => Parse.GetValue(VerboseOption);

    public static CliContext From(ParseResult parse)
    {
        var invocation = parse.InvocationConfiguration as CliInvocation ??
            throw new InvalidOperationException("Commands run through OrleansSyncCli.RunAsync, which gives them a CliInvocation.");
        return new(parse, new CliOutput(parse.GetValue(JsonOption), invocation.Console, invocation.Output, invocation.Error), invocation.Variable);
    }

    public ClientSettings Settings()
    {
        var seconds = Parse.GetValue(TimeoutOption);
        if (seconds is < 1 or > 3600)
        {
            throw CliException.BadInput($"--connect-timeout {seconds} is out of range: give 1 to 3600 seconds.");
        }

        return ClientSettings.FromEnvironment(_variable, TimeSpan.FromSeconds(seconds), Parse.GetValue(TlsCertificateOption), Parse.GetValue(TlsCaOption));
    }

    public Task<ClusterConnection> ConnectAsync(CancellationToken cancellationToken) =>
        ClusterConnection.ConnectAsync(Settings(), Verbose, cancellationToken);
}
