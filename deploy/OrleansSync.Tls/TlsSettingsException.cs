namespace OrleansSync.Tls;

/// <summary>TLS settings that cannot work; the message names the setting to fix, never the password.</summary>
public sealed class TlsSettingsException(string message) : Exception(message);
