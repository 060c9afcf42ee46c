using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using OrleansSync.Client.Cli;
using OrleansSync.Tls;

namespace OrleansSync.Client.Connection;

/// <summary>An Orleans client connected to the cluster through gateways listed in PostgreSQL.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly NpgsqlDataSource _dataSource;
    private readonly MutualTls? _tls;

    private ClusterConnection(IHost host, NpgsqlDataSource dataSource, MutualTls? tls)
    {
        _host = host;
        _dataSource = dataSource;
        _tls = tls;
    }

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Connects, retrying across gateways until <see cref="ClientSettings.ConnectTimeout"/>; then fails with exit code 3.</summary>
    public static async Task<ClusterConnection> ConnectAsync(ClientSettings settings, bool verbose, CancellationToken cancellationToken)
    {
        var tls = LoadTls(settings);
        var dataSource = NpgsqlDataSource.Create(settings.Postgres);
        var deadline = DateTimeOffset.UtcNow + settings.ConnectTimeout;
        var handshakeRefused = false;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (verbose)
        {
            builder.Logging.AddConsole(static o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.DataSource = dataSource;
            });
            // A call the grain directory cancelled while it recovers from a silo's death is a transient failure.
            client.Services.AddSingleton<IOutgoingGrainCallFilter, Calls.RuntimeCancellationFilter>();
            // A long-running command (sync --wait) must notice silos that come and go.
            client.Configure<GatewayOptions>(static o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
            if (tls is not null)
            {
                client.UseMutualTls(tls);
            }

            client.UseConnectionRetryFilter(async (error, ct) =>
            {
                // Only the first failure of a gateway carries its cause; later ones just say "will retry after".
                handshakeRefused |= TlsRefusal.IsHandshakeRefused(error);
                if (DateTimeOffset.UtcNow >= deadline)
                {
                    return false;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
                return true;
            });
        });

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).WaitAsync(settings.ConnectTimeout + TimeSpan.FromSeconds(2), cancellationToken);
            return new ClusterConnection(host, dataSource, tls);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            await dataSource.DisposeAsync();
            var cluster = $"Cannot reach the OrleansSync cluster '{settings.ClusterId}' (membership in PostgreSQL at {settings.DescribeDatabase()}): ";
            var refused = tls?.LastRefused;
            tls?.Dispose();
            if (handshakeRefused || TlsRefusal.IsHandshakeRefused(e))
            {
                throw CliException.Unreachable(cluster + TlsRefusal.Explain(settings, refused), e);
            }

            throw CliException.Unreachable(
                cluster + $"{Explain(e)} Start silos with deploy/local/up.sh, or check ORLEANSSYNC_PG and ORLEANSSYNC_CLUSTER_ID.",
                e);
        }
    }

    /// <summary>The client's certificate and CA, or null when TLS is off; settings that cannot work are exit 2.</summary>
    private static MutualTls? LoadTls(ClientSettings settings)
    {
        try
        {
            return settings.Tls is { } configured ? MutualTls.Load(configured, ClientSettings.TlsNames, TlsRole.Client) : null;
        }
        catch (TlsSettingsException e)
        {
            throw CliException.BadInput(e.Message);
        }
    }

    private static string Explain(Exception e) => e switch
    {
        TimeoutException => "no gateway answered in time.",
        PostgresException pg => $"PostgreSQL refused: {pg.MessageText}.",
        NpgsqlException npgsql => $"PostgreSQL is unreachable ({npgsql.InnerException?.Message ?? npgsql.Message}).",
        _ when e.InnerException is NpgsqlException inner => Explain(inner),
        _ => $"{e.Message.Split('\n')[0].TrimEnd('.')}.",
    };

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            _host.Dispose();
            await _dataSource.DisposeAsync();
            _tls?.Dispose();
        }
    }
}
