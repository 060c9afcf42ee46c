using OrleansSync.Tls;

namespace Orleans.Hosting;

/// <summary>Turns on <see cref="MutualTls"/> for a silo (inbound from peers and clients, outbound to peers) or a client.</summary>
public static class MutualTlsHostingExtensions
{
    public static ISiloBuilder UseMutualTls(this ISiloBuilder silo, MutualTls tls) => silo.UseTls(tls.Certificate, tls.Configure);

    public static IClientBuilder UseMutualTls(this IClientBuilder client, MutualTls tls) => client.UseTls(tls.Certificate, tls.Configure);
}
