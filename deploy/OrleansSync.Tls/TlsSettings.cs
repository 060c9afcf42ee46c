namespace OrleansSync.Tls;

/// <summary>
/// Where a host finds its mutual-TLS material: <c>ORLEANSSYNC_TLS_CERT</c>, <c>ORLEANSSYNC_TLS_CERT_PASSWORD</c> and
/// <c>ORLEANSSYNC_TLS_CA</c> on silos and clients alike (the silo binds them from section <c>OrleansSync:Tls</c>).
/// All unset: TLS is off. The password is a secret: <see cref="ToString"/> leaves it out, and no message names it.
/// </summary>
public sealed class TlsSettings
{
    public const string CertificateVariable = "ORLEANSSYNC_TLS_CERT";

    public const string PasswordVariable = "ORLEANSSYNC_TLS_CERT_PASSWORD";

    public const string CaVariable = "ORLEANSSYNC_TLS_CA";

    /// <summary>This host's certificate with its private key, as a PFX (PKCS#12) file.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PFX file's password. A secret: from a variable or configuration only, never a flag.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The PEM certificate(s) of the CA that every peer's certificate must chain to.</summary>
    public string? CaPath { get; set; }

    /// <summary>
    /// A silo only: lets its silo and gateway ports listen beyond loopback without TLS (a network the operator trusts
    /// otherwise). Off, such a silo refuses to start.
    /// </summary>
    public bool AllowInsecure { get; set; }

    /// <summary>True when any of the three is set: then all that TLS needs must be there.</summary>
    public bool IsAnySet =>
        !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(CaPath) || !string.IsNullOrEmpty(CertificatePassword);

    /// <summary>The variables, when set, as a starting point that flags may override.</summary>
    public static TlsSettings FromEnvironment(Func<string, string?> getVariable) => new()
    {
        CertificatePath = NullIfEmpty(getVariable(CertificateVariable)),
        CertificatePassword = NullIfEmpty(getVariable(PasswordVariable)),
        CaPath = NullIfEmpty(getVariable(CaVariable)),
    };

    public override string ToString() =>
        $"CertificatePath = {CertificatePath}, CaPath = {CaPath}, CertificatePassword = {(CertificatePassword is null ? "(none)" : "***")}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
