using Microsoft.AspNetCore.Connections;
using Orleans.Runtime.Messaging;
using OrleansSync.Tls;

namespace OrleansSync.Client.Connection;

/// <summary>Gateways that hang up during the handshake, and what the CLI then tells the user to fix (exit code 3).</summary>
internal static class TlsRefusal
{
    /// <summary>
    /// A gateway that accepted the TCP connection and then closed it during the handshake: what a gateway that
    /// requires mutual TLS does to a client without an acceptable certificate (and what our TLS middleware does to a
    /// gateway whose certificate it refuses). Orleans reports it as a <see cref="ConnectionFailedException"/> over a
    /// <see cref="ConnectionAbortedException"/> ("Underlying connection closed", "Connection initialization failed")
    /// or over its preamble reader's "Connection terminated prematurely"; a gateway that is down refuses the
    /// connection instead (a socket error).
    /// </summary>
    public static bool IsHandshakeRefused(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is ConnectionAbortedException
                || (inner is InvalidOperationException && inner.Message.Contains("terminated prematurely", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What to fix, naming the TLS settings; <paramref name="refused"/> is the gateway certificate this client refused, if any.</summary>
    public static string Explain(ClientSettings settings, string? refused)
    {
        const string Variables = $"{TlsSettings.CertificateVariable}, {TlsSettings.PasswordVariable} and {TlsSettings.CaVariable}";
        if (settings.Tls is not { } tls)
        {
            return "the gateways accepted the connection and closed it during the handshake, as gateways that require mutual TLS do to a client without a certificate. " +
                $"Set {Variables} (or --tls-cert and --tls-ca) to a client certificate from the cluster's CA; " +
                "for a cluster started with deploy/local/up.sh --tls: set -a; . deploy/local/.run/tls/env; set +a.";
        }

        if (refused is not null)
        {
            return $"the gateways' certificate ({refused}) is not a silo certificate (serverAuth) from the CA in {TlsSettings.CaVariable} ('{tls.CaPath}'). " +
                $"Set {Variables} (or --tls-cert and --tls-ca) to a certificate and the CA of this cluster.";
        }

        return $"the gateways closed the TLS connection: they refused this client's certificate ({TlsSettings.CertificateVariable} '{tls.CertificatePath}'), " +
            $"which must come from the cluster's CA, or they do not use TLS. Set {Variables} (or --tls-cert and --tls-ca) " +
            "to a certificate and the CA of this cluster, or unset them for a cluster without TLS.";
    }
}
