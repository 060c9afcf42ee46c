using System.Diagnostics;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Security;

/// <summary>A CA with a silo and a client certificate, made by deploy/local/tls.sh (the script up.sh --tls runs).</summary>
public sealed record class TlsMaterial(string Directory, string ClientCertificate, string SiloCertificate, string Password, string Ca)
{
    public const string Certificate = "ORLEANSSYNC_TLS_CERT";
    public const string PasswordVariable = "ORLEANSSYNC_TLS_CERT_PASSWORD";
    public const string CaVariable = "ORLEANSSYNC_TLS_CA";

    /// <summary>Runs the script into <paramref name="directory"/> and reads back the env file it writes for clients.</summary>
    public static async Task<TlsMaterial> MakeAsync(string directory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(RepoPaths.Root, "deploy", "local", "tls.sh"), directory },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tls.sh {directory} exited {process.ExitCode}: {await stderr}");
        }

        var env = (await File.ReadAllLinesAsync(Path.Combine(directory, "env"), cancellationToken))
            .Select(static line => line.Split('=', 2))
            .ToDictionary(static kv => kv[0], static kv => kv[1], StringComparer.Ordinal);
        return new TlsMaterial(directory, env[Certificate], Path.Combine(directory, "silo.pfx"), env[PasswordVariable], env[CaVariable]);
    }

    /// <summary>What a silo of this CA's cluster is started with.</summary>
    public Dictionary<string, string?> SiloEnvironment() => new()
    {
        [Certificate] = SiloCertificate,
        [PasswordVariable] = Password,
        [CaVariable] = Ca,
    };

    /// <summary>The CLI's variables on top of <paramref name="cli"/>: the env file's three lines.</summary>
    public Dictionary<string, string> ClientEnvironment(Dictionary<string, string> cli)
    {
        cli[Certificate] = ClientCertificate;
        cli[PasswordVariable] = Password;
        cli[CaVariable] = Ca;
        return cli;
    }

    /// <summary>The CLI's variables with TLS explicitly off, whatever the test run's own environment holds.</summary>
    public static Dictionary<string, string> WithoutTls(Dictionary<string, string> cli)
    {
        cli[Certificate] = "";
        cli[PasswordVariable] = "";
        cli[CaVariable] = "";
        return cli;
    }
}
