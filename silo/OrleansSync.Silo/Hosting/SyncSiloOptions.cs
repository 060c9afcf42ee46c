using System.Net;
using Npgsql;
using OrleansSync.Tls;

namespace OrleansSync.Silo.Hosting;

/// <summary>The silo's settings: section <c>OrleansSync</c>, then <c>ORLEANSSYNC_*</c> variables, then flags.</summary>
public sealed class SyncSiloOptions
{
    public const string Section = "OrleansSync";

    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Database=orleanssync;Username=orleanssync;Password=orleanssync";

    /// <summary>Npgsql connection string for membership, grain state, reminders and our own tables. A secret: never logged.</summary>
    public string Postgres { get; set; } = DefaultConnectionString;

    public string ClusterId { get; set; } = "orleanssync";

    public string ServiceId { get; set; } = "orleanssync";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    public int HttpPort { get; set; } = 8080;

    /// <summary>The address other silos and clients reach this silo at. Loopback by default (README, "Configuration").</summary>
    public string AdvertisedIp { get; set; } = "127.0.0.1";

    /// <summary>The address the HTTP server binds to.</summary>
    public string HttpHost { get; set; } = "127.0.0.1";

    /// <summary>The silo's name in membership and the dashboard; defaults to <c>silo-{SiloPort}</c>.</summary>
    public string? Name { get; set; }

    /// <summary>Apply deploy/sql migrations before the silo joins.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>Optional mutual TLS for silo-to-silo and client-to-gateway connections (section <c>OrleansSync:Tls</c>).</summary>
    public TlsSettings Tls { get; set; } = new();

    public string EffectiveName => string.IsNullOrWhiteSpace(Name) ? $"silo-{SiloPort}" : Name;

    /// <summary>Every problem with these settings, each saying what, where and how to fix it.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        CheckPort(errors, SiloPort, "silo port", "--silo-port");
        CheckPort(errors, GatewayPort, "gateway port", "--gateway-port");
        CheckPort(errors, HttpPort, "HTTP port", "--http-port");
        if (new[] { SiloPort, GatewayPort, HttpPort }.Distinct().Count() != 3)
        {
            errors.Add($"The silo, gateway and HTTP ports must differ (got {SiloPort}, {GatewayPort}, {HttpPort}).");
        }

        CheckAddress(errors, AdvertisedIp, "--advertised-ip");
        CheckAddress(errors, HttpHost, "--http-host");
        CheckIdentifier(errors, ClusterId, "cluster id", "ORLEANSSYNC_CLUSTER_ID or --cluster-id");
        CheckIdentifier(errors, ServiceId, "service id", "ORLEANSSYNC_SERVICE_ID or --service-id");
        try
        {
            _ = new NpgsqlConnectionStringBuilder(Postgres);
        }
        catch (ArgumentException e)
        {
            // The message names the offending keyword, never the value.
            errors.Add($"ORLEANSSYNC_PG is not a valid Npgsql connection string: {e.Message}");
        }

        errors.AddRange(SiloTls.Check(Tls));
        CheckListenersSecured(errors);
        return errors;
    }

    /// <summary>
    /// The silo and gateway ports listen on <see cref="AdvertisedIp"/>. Beyond loopback, without mutual TLS, anyone who
    /// reaches them could join the mesh or call grains as a client, so the silo refuses, as it does for an open HTTP port.
    /// </summary>
    private void CheckListenersSecured(List<string> errors)
    {
        if (IPAddress.TryParse(AdvertisedIp, out var address) && !IPAddress.IsLoopback(address) && !Tls.IsAnySet && !Tls.AllowInsecure)
        {
            errors.Add(
                $"--advertised-ip {AdvertisedIp} is not a loopback address, so the silo port {SiloPort} and the gateway port {GatewayPort} would take anyone who reaches them, " +
                $"without TLS: set {TlsSettings.CertificateVariable}, {TlsSettings.PasswordVariable} and {TlsSettings.CaVariable} for mutual TLS " +
                $"(deploy/local/tls.sh makes a set), or {Section}__Tls__AllowInsecure=true on a network you trust otherwise.");
        }
    }

    private static void CheckPort(List<string> errors, int port, string what, string flag)
    {
        if (port is < 1 or > 65535)
        {
            errors.Add($"The {what} {port} is out of range: pass {flag} with a value from 1 to 65535.");
        }
    }

    private static void CheckAddress(List<string> errors, string value, string flag)
    {
        if (!IPAddress.TryParse(value, out _))
        {
            errors.Add($"'{value}' is not an IP address: pass {flag} with an address such as 127.0.0.1.");
        }
    }

    private static void CheckIdentifier(List<string> errors, string value, string what, string where)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 150)
        {
            errors.Add($"The {what} must be 1 to 150 characters: set {where}.");
        }
    }
}
