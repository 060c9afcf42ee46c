namespace OrleansSync.Tls;

/// <summary>How a host names each TLS setting in its messages (a variable, and the flag or key that may set it).</summary>
public sealed record class TlsSettingNames(string Certificate, string Password, string Ca);
