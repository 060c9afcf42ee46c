using OrleansSync.Tls;

namespace OrleansSync.Silo.Hosting;

/// <summary>
/// Maps the silo's flags and <c>ORLEANSSYNC_*</c> variables onto the <c>OrleansSync</c> section.
/// Unlike the default command-line provider it refuses unknown flags, so a typo is an error rather than silently ignored.
/// </summary>
public static class SiloCommandLine
{
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["--silo-port"] = "SiloPort",
        ["--gateway-port"] = "GatewayPort",
        ["--http-port"] = "HttpPort",
        ["--advertised-ip"] = "AdvertisedIp",
        ["--http-host"] = "HttpHost",
        ["--http-auth-secret-env"] = "Http:AuthSecretVariable",
        ["--name"] = "Name",
        ["--cluster-id"] = "ClusterId",
        ["--service-id"] = "ServiceId",
        ["--migrate"] = "MigrateOnStart",
        // No flag for the certificate's password: flags show in ps.
        ["--tls-cert"] = "Tls:CertificatePath",
        ["--tls-ca"] = "Tls:CaPath",
    };

    private static readonly Dictionary<string, string> Variables = new(StringComparer.Ordinal)
    {
        ["ORLEANSSYNC_PG"] = "Postgres",
        ["ORLEANSSYNC_CLUSTER_ID"] = "ClusterId",
        ["ORLEANSSYNC_SERVICE_ID"] = "ServiceId",
        [TlsSettings.CertificateVariable] = "Tls:CertificatePath",
        [TlsSettings.PasswordVariable] = "Tls:CertificatePassword",
        [TlsSettings.CaVariable] = "Tls:CaPath",
    };

    public static string Usage { get; } =
        "usage: OrleansSync.Silo [" + string.Join("] [", Flags.Keys.Select(f => $"{f} VALUE")) + "]";

    /// <summary>Adds variables, then flags (flags win); returns an error message, or null when the arguments are good.</summary>
    public static string? Apply(IConfigurationBuilder configuration, string[] args, Func<string, string?> getVariable)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (variable, key) in Variables)
        {
            if (getVariable(variable) is { Length: > 0 } value)
            {
                values[$"{SyncSiloOptions.Section}:{key}"] = value;
            }
        }

        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            var inline = flag.IndexOf('=', StringComparison.Ordinal);
            string? value = null;
            if (inline > 0)
            {
                value = flag[(inline + 1)..];
                flag = flag[..inline];
            }

            if (!Flags.TryGetValue(flag, out var key))
            {
                return $"Unknown argument '{flag}'. {Usage}";
            }

            if (value is null)
            {
                if (i + 1 >= args.Length)
                {
                    return $"The flag {flag} needs a value. {Usage}";
                }

                value = args[++i];
            }

            values[$"{SyncSiloOptions.Section}:{key}"] = value;
        }

        configuration.AddInMemoryCollection(values);
        return null;
    }
}
