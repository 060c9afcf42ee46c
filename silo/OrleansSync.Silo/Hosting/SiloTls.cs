using OrleansSync.Tls;

namespace OrleansSync.Silo.Hosting;

/// <summary>The silo's side of <see cref="MutualTls"/>: its settings named as an operator sets them.</summary>
public static class SiloTls
{
    public static TlsSettingNames Names { get; } = new(
        $"{TlsSettings.CertificateVariable} (--tls-cert, {SyncSiloOptions.Section}:Tls:CertificatePath)",
        $"{TlsSettings.PasswordVariable} ({SyncSiloOptions.Section}:Tls:CertificatePassword)",
        $"{TlsSettings.CaVariable} (--tls-ca, {SyncSiloOptions.Section}:Tls:CaPath)");

    /// <summary>The TLS the silo runs with, or null when the settings leave it off; throws on settings that cannot work.</summary>
    public static MutualTls? Load(TlsSettings settings) => MutualTls.Load(settings, Names, TlsRole.Silo);

    /// <summary>The problem with these settings, if any, for <see cref="SyncSiloOptions.Validate"/>.</summary>
    public static IEnumerable<string> Check(TlsSettings settings)
    {
        try
        {
            using var tls = Load(settings);
            return [];
        }
        catch (TlsSettingsException e)
        {
            return [e.Message];
        }
    }
}
