using Orleans.Configuration;
using OrleansSync.Tls;

namespace Orleans.Hosting;

/// <summary>
/// Turns on <see cref="MutualTls"/> for a silo or a client. Unlike Orleans' own <c>UseTls</c>, which gives the silo
/// port and the gateway port one policy, a silo's peers on the silo port must hold silo certificates, as must the
/// gateways a client connects to; only the gateway port takes client certificates.
/// </summary>
public static class MutualTlsHostingExtensions
{
    public static ISiloBuilder UseMutualTls(this ISiloBuilder silo, MutualTls tls) =>
        silo.Configure<SiloConnectionOptions>(connections =>
        {
            connections.ConfigureSiloInboundConnection(connection => connection.UseServerTls(tls.Options(peerIsSilo: true)));
            connections.ConfigureGatewayInboundConnection(connection => connection.UseServerTls(tls.Options(peerIsSilo: false)));
            connections.ConfigureSiloOutboundConnection(connection => connection.UseClientTls(tls.Options(peerIsSilo: true)));
        });

    public static IClientBuilder UseMutualTls(this IClientBuilder client, MutualTls tls) =>
        client.Configure<ClientConnectionOptions>(connections =>
            connections.ConfigureConnection(connection => connection.UseClientTls(tls.Options(peerIsSilo: true))));
}
