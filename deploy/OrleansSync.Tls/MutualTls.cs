using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace OrleansSync.Tls;

/// <summary>
/// The one certificate policy of a cluster, for silos and the CLI alike: each end shows a certificate (both ways:
/// a gateway demands the client's as a silo demands its peer's), and accepts the other's only if it chains to the
/// configured CA, trusting that CA alone (<see cref="X509ChainTrustMode.CustomRootTrust"/>: the machine's roots do not
/// count). The identity is "holds a certificate from our CA", not a host name: silos advertise addresses, so the
/// name a certificate carries is not checked.
/// </summary>
/// <remarks>
/// This lives in its own small project (beside the schema migrator, the other piece both hosts share) because the
/// silo and the client must agree on it, and the only project they otherwise share is the grain contracts, which
/// must not carry a transport package.
/// </remarks>
public sealed class MutualTls : IDisposable
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private readonly X509Certificate2Collection _authorities;

    private string? _lastRefused;

    private MutualTls(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        Certificate = certificate;
        _authorities = authorities;
    }

    /// <summary>This host's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>
    /// The last certificate a peer showed that this host refused (subject and issuer), for the messages of a host
    /// that could not connect: Orleans only logs why a handshake failed.
    /// </summary>
    public string? LastRefused => Volatile.Read(ref _lastRefused);

    /// <summary>
    /// Loads and checks the settings: null when none is set (TLS off). Throws <see cref="TlsSettingsException"/>
    /// naming the setting when only some are set, a file cannot be read, the password does not open the PFX, or the
    /// certificate has no private key, does not allow <paramref name="role"/>, or is not from the CA.
    /// </summary>
    public static MutualTls? Load(TlsSettings settings, TlsSettingNames names, TlsRole role)
    {
        if (!settings.IsAnySet)
        {
            return null;
        }

        var hasCertificate = !string.IsNullOrWhiteSpace(settings.CertificatePath);
        var hasCa = !string.IsNullOrWhiteSpace(settings.CaPath);
        if (!hasCertificate || !hasCa)
        {
            var missing = string.Join(" and ", new[] { hasCertificate ? null : names.Certificate, hasCa ? null : names.Ca }.OfType<string>());
            throw new TlsSettingsException(
                $"Mutual TLS needs this host's certificate (a PFX file) in {names.Certificate} and the cluster CA's certificate (PEM) in {names.Ca}; " +
                $"{missing} is not set. Set both to turn TLS on, or neither (nor {names.Password}) to leave it off.");
        }

        var authorities = LoadAuthorities(settings.CaPath!, names);
        var certificate = LoadCertificate(settings.CertificatePath!, settings.CertificatePassword, names);
        var tls = new MutualTls(certificate, authorities);
        try
        {
            tls.CheckOwnCertificate(settings, names, role);
            return tls;
        }
        catch
        {
            tls.Dispose();
            throw;
        }
    }

    /// <summary>True when <paramref name="certificate"/> chains to one of the CA certificates, and to nothing else.</summary>
    public bool IsFromOurCa(X509Certificate2 certificate, X509Chain? presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (presented is not null)
        {
            // Intermediates the peer sent along; they still have to lead to our CA.
            foreach (var element in presented.ChainElements.Skip(1))
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        try
        {
            return chain.Build(certificate);
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                if (!ReferenceEquals(element.Certificate, certificate))
                {
                    element.Certificate.Dispose();
                }
            }
        }
    }

    /// <summary>
    /// What Orleans' TLS middleware needs on one kind of connection. <paramref name="peerIsSilo"/>: the other end must
    /// be a silo, whose certificate allows server authentication (a silo's peers on the silo port, a silo's outbound
    /// connections, a client's gateways); otherwise (a gateway's clients) any certificate from the CA. So a client
    /// certificate can neither join the silo-to-silo mesh nor pose as a gateway.
    /// </summary>
    internal TlsOptions Options(bool peerIsSilo)
    {
        var options = new TlsOptions
        {
            LocalCertificate = Certificate,
            // Server side: a connection without a certificate is refused. Client side: the server must show one.
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
            // Client side: always send ours (gateways and peers require it).
            ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
        };
        // Replaces the platform's check (machine roots, host name): only our CA counts.
        options.RemoteCertificateValidation = (certificate, chain, _) =>
        {
            if (IsFromOurCa(certificate, chain) && (!peerIsSilo || Allows(certificate, ServerAuthentication)))
            {
                return true;
            }

            Volatile.Write(ref _lastRefused, $"{certificate.Subject}, issued by {certificate.Issuer}");
            return false;
        };
        return options;
    }

    /// <summary>True when the certificate names no uses (then it allows all) or names <paramref name="oid"/>.</summary>
    private static bool Allows(X509Certificate2 certificate, string oid) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SingleOrDefault()?.EnhancedKeyUsages is not { } usages
        || usages.Cast<Oid>().Any(u => u.Value == oid);

    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var authority in _authorities)
        {
            authority.Dispose();
        }
    }

    private static X509Certificate2Collection LoadAuthorities(string path, TlsSettingNames names)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TlsSettingsException($"{names.Ca}: cannot read the CA certificate '{path}': {e.Message}");
        }
        catch (CryptographicException)
        {
            throw new TlsSettingsException($"{names.Ca}: '{path}' is not a PEM certificate file (-----BEGIN CERTIFICATE-----). Give the CA's certificate in PEM.");
        }

        if (authorities.Count == 0)
        {
            throw new TlsSettingsException(
                $"{names.Ca}: '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----). Give the CA's certificate in PEM " +
                "(a DER file converts with: openssl x509 -inform der -in ca.der -out ca.pem).");
        }

        return authorities;
    }

    private static X509Certificate2 LoadCertificate(string path, string? password, TlsSettingNames names)
    {
        try
        {
            // Ephemeral: the private key stays in memory, never written to a key store on disk.
            return X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TlsSettingsException($"{names.Certificate}: cannot read the certificate '{path}': {e.Message}");
        }
        catch (CryptographicException)
        {
            // Never the exception's text: this is where the password was used.
            throw new TlsSettingsException(
                $"{names.Certificate}: '{path}' cannot be opened: either {names.Password} is not this PFX file's password, " +
                "or the file is not a PFX (PKCS#12). Set the right password, or give a PFX with the certificate and its private key.");
        }
    }

    private void CheckOwnCertificate(TlsSettings settings, TlsSettingNames names, TlsRole role)
    {
        var what = $"{names.Certificate}: the certificate in '{settings.CertificatePath}' ({Certificate.Subject})";
        if (!Certificate.HasPrivateKey)
        {
            throw new TlsSettingsException($"{what} has no private key. Export it with its key, e.g. openssl pkcs12 -export -in cert.pem -inkey key.pem -out cert.pfx.");
        }

        var needed = role == TlsRole.Silo ? "server and client authentication (a silo accepts and opens connections)" : "client authentication";
        if (!Allows(Certificate, ClientAuthentication) || (role == TlsRole.Silo && !Allows(Certificate, ServerAuthentication)))
        {
            throw new TlsSettingsException($"{what} does not allow {needed}: issue it with extendedKeyUsage {(role == TlsRole.Silo ? "serverAuth,clientAuth" : "clientAuth")}.");
        }

        if (!IsFromOurCa(Certificate, presented: null))
        {
            throw new TlsSettingsException(
                $"{what} is not issued by the CA in {names.Ca} ('{settings.CaPath}'), or is expired: peers would refuse it. " +
                "Give a certificate from that CA, or the CA that issued this one.");
        }
    }
}
