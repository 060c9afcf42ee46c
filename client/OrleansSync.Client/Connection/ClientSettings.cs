using Npgsql;
using OrleansSync.Client.Cli;
using OrleansSync.Tls;

namespace OrleansSync.Client.Connection;

/// <summary>
/// Where the cluster is: the client finds gateways through the membership table, so PostgreSQL is all it needs,
/// and, when the gateways require mutual TLS, a certificate (<paramref name="Tls"/>; printed without its password).
/// </summary>
public sealed record class ClientSettings(string Postgres, string ClusterId, string ServiceId, TimeSpan ConnectTimeout, TlsSettings? Tls = null)
{
    /// <summary>How the CLI names its TLS settings in messages.</summary>
    public static TlsSettingNames TlsNames { get; } = new(
        $"{TlsSettings.CertificateVariable} (or --tls-cert)", TlsSettings.PasswordVariable, $"{TlsSettings.CaVariable} (or --tls-ca)");

    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Database=orleanssync;Username=orleanssync;Password=orleanssync";

    /// <param name="variable">Reads an environment variable (the process's, or a test's own).</param>
    /// <param name="connectTimeout">How long to try the gateways.</param>
    /// <param name="tlsCertificate">--tls-cert, over ORLEANSSYNC_TLS_CERT.</param>
    /// <param name="tlsCa">--tls-ca, over ORLEANSSYNC_TLS_CA.</param>
    public static ClientSettings FromEnvironment(Func<string, string?> variable, TimeSpan connectTimeout, string? tlsCertificate = null, string? tlsCa = null)
    {
        var postgres = variable("ORLEANSSYNC_PG") is { Length: > 0 } pg ? pg : DefaultConnectionString;
        try
        {
            _ = new NpgsqlConnectionStringBuilder(postgres);
        }
        catch (ArgumentException e)
        {
            throw CliException.BadInput($"ORLEANSSYNC_PG is not a valid Npgsql connection string: {e.Message}");
        }

        return new ClientSettings(
            postgres,
            variable("ORLEANSSYNC_CLUSTER_ID") is { Length: > 0 } cluster ? cluster : "orleanssync",
            variable("ORLEANSSYNC_SERVICE_ID") is { Length: > 0 } service ? service : "orleanssync",
            connectTimeout,
            TlsFromEnvironment(variable, tlsCertificate, tlsCa));
    }

    private static TlsSettings? TlsFromEnvironment(Func<string, string?> variable, string? certificate, string? ca)
    {
        var tls = TlsSettings.FromEnvironment(variable);
        tls.CertificatePath = string.IsNullOrEmpty(certificate) ? tls.CertificatePath : certificate;
        tls.CaPath = string.IsNullOrEmpty(ca) ? tls.CaPath : ca;
        return tls.IsAnySet ? tls : null;
    }

    /// <summary>The CLI's error for a database it could not reach (exit code 3); names host, port and database only.</summary>
    public CliException PostgresUnreachable(NpgsqlException error) =>
        CliException.Unreachable($"Cannot reach PostgreSQL at {DescribeDatabase()}: {(error.InnerException?.Message ?? error.Message).TrimEnd('.')}. Check ORLEANSSYNC_PG.", error);

    /// <summary>Host, port and database, for messages: never the password.</summary>
    public string DescribeDatabase()
    {
        var pg = new NpgsqlConnectionStringBuilder(Postgres);
        return $"{pg.Host}:{pg.Port}/{pg.Database}";
    }
}
