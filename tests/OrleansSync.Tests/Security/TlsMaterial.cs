using System.Diagnostics;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tls;

namespace OrleansSync.Tests.Security;

/// <summary>A CA with a silo and a client certificate, made by deploy/local/tls.sh (the script up.sh --tls runs).</summary>
public sealed record class TlsMaterial(string Directory, string ClientCertificate, string SiloCertificate, string Password, string Ca)
{
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

        // Read back as a user does, by sourcing it in bash (its values are shell-quoted).
        var sourced = new ProcessStartInfo("bash")
        {
            ArgumentList =
            {
                "-c",
                $"set -a; . \"$1\"; set +a; printf '%s\\0%s\\0%s' \"${TlsSettings.CertificateVariable}\" \"${TlsSettings.PasswordVariable}\" \"${TlsSettings.CaVariable}\"",
                "bash",
                Path.Combine(directory, "env"),
            },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var reader = Process.Start(sourced) ?? throw new InvalidOperationException("bash did not start");
        var values = (await reader.StandardOutput.ReadToEndAsync(cancellationToken)).Split('\0');
        await reader.WaitForExitAsync(cancellationToken);
        if (reader.ExitCode != 0 || values.Length != 3)
        {
            throw new InvalidOperationException($"sourcing {directory}/env exited {reader.ExitCode} with {values.Length} values");
        }

        return new TlsMaterial(directory, values[0], Path.Combine(directory, "silo.pfx"), values[1], values[2]);
    }

    /// <summary>What a silo of this CA's cluster is started with.</summary>
    public Dictionary<string, string?> SiloEnvironment() => new()
    {
        [TlsSettings.CertificateVariable] = SiloCertificate,
        [TlsSettings.PasswordVariable] = Password,
        [TlsSettings.CaVariable] = Ca,
    };

    /// <summary>The CLI's variables on top of <paramref name="cli"/>: the env file's three lines.</summary>
    public Dictionary<string, string> ClientEnvironment(Dictionary<string, string> cli)
    {
        cli[TlsSettings.CertificateVariable] = ClientCertificate;
        cli[TlsSettings.PasswordVariable] = Password;
        cli[TlsSettings.CaVariable] = Ca;
        return cli;
    }

    /// <summary>The CLI's variables with TLS explicitly off, whatever the test run's own environment holds.</summary>
    public static Dictionary<string, string> WithoutTls(Dictionary<string, string> cli)
    {
        cli[TlsSettings.CertificateVariable] = "";
        cli[TlsSettings.PasswordVariable] = "";
        cli[TlsSettings.CaVariable] = "";
        return cli;
    }
}
