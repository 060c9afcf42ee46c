using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using OrleansSync.Client.Cli;

namespace OrleansSync.Client.Connection;

/// <summary>An Orleans client connected to the cluster through gateways listed in PostgreSQL.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly NpgsqlDataSource _dataSource;

    private ClusterConnection(IHost host, NpgsqlDataSource dataSource)
    {
        _host = host;
        _dataSource = dataSource;
    }

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Connects, retrying across gateways until <see cref="ClientSettings.ConnectTimeout"/>; then fails with exit code 3.</summary>
    public static async Task<ClusterConnection> ConnectAsync(ClientSettings settings, bool verbose, CancellationToken cancellationToken)
    {
        var dataSource = NpgsqlDataSource.Create(settings.Postgres);
        var deadline = DateTimeOffset.UtcNow + settings.ConnectTimeout;
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
            // A long-running command (sync --wait) must notice silos that come and go.
            client.Configure<GatewayOptions>(static o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
            client.UseConnectionRetryFilter(async (_, ct) =>
            {
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
            return new ClusterConnection(host, dataSource);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            await dataSource.DisposeAsync();
            throw CliException.Unreachable(
                $"Cannot reach the OrleansSync cluster '{settings.ClusterId}' (membership in PostgreSQL at {settings.DescribeDatabase()}): " +
                $"{Explain(e)} Start silos with deploy/local/up.sh, or check ORLEANSSYNC_PG and ORLEANSSYNC_CLUSTER_ID.",
                e);
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
        }
    }
}
