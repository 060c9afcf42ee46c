using Microsoft.Extensions.Configuration;
using OrleansSync.Silo.Hosting;

namespace OrleansSync.Tests.Security;

/// <summary>How the silo reads its TLS settings: variables, flags over them, and the password from a variable only.</summary>
public sealed class SiloTlsSettingsTests
{
    [Fact]
    public void Apply_TlsVariablesAndFlags_FlagsWinAndThePasswordIsNeverPrinted()
    {
        var configuration = new ConfigurationBuilder();
        var variables = new Dictionary<string, string>
        {
            ["ORLEANSSYNC_TLS_CERT"] = "/env/silo.pfx",
            ["ORLEANSSYNC_TLS_CERT_PASSWORD"] = "s3cret-from-env",
            ["ORLEANSSYNC_TLS_CA"] = "/env/ca.pem",
        };

        var error = SiloCommandLine.Apply(configuration, ["--tls-cert", "/flag/silo.pfx"], v => variables.GetValueOrDefault(v));
        var settings = configuration.Build().GetSection(SyncSiloOptions.Section).Get<SyncSiloOptions>()!;

        Assert.Null(error);
        Assert.Equal("/flag/silo.pfx", settings.Tls.CertificatePath);
        Assert.Equal("s3cret-from-env", settings.Tls.CertificatePassword);
        Assert.Equal("/env/ca.pem", settings.Tls.CaPath);
        Assert.DoesNotContain("s3cret-from-env", settings.Tls.ToString(), StringComparison.Ordinal);
        // The files do not exist: the error names the setting to fix.
        Assert.Contains(settings.Validate(), static e => e.Contains("ORLEANSSYNC_TLS_CA", StringComparison.Ordinal) && e.Contains("/env/ca.pem", StringComparison.Ordinal));
    }

    [Fact]
    public void Apply_PasswordAsFlag_Refused()
    {
        var error = SiloCommandLine.Apply(new ConfigurationBuilder(), ["--tls-cert-password", "x"], static _ => null);

        Assert.NotNull(error);
        Assert.Contains("Unknown argument '--tls-cert-password'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoTlsSettings_TlsOffAndValid()
    {
        var settings = new SyncSiloOptions();

        Assert.Empty(settings.Validate());
        Assert.Null(SiloTls.Load(settings.Tls));
    }
}
