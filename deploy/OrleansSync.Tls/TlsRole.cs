namespace OrleansSync.Tls;

/// <summary>
/// Which ends of a TLS connection a host's certificate plays: a silo accepts connections (from peers and clients)
/// and opens them (to peers), a client only opens them. A certificate that names its uses (Extended Key Usage)
/// must allow the role's.
/// </summary>
public enum TlsRole
{
    Silo,
    Client,
}
