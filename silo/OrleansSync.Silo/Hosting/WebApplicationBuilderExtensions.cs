using System.Net;
using Orleans.Configuration;
using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using OrleansSync.Schema;
using OrleansSync.Telemetry;
using OrleansSync.Silo.Api;
using OrleansSync.Silo.Health;
using OrleansSync.Silo.HttpAuth;

namespace OrleansSync.Silo.Hosting;

public static class WebApplicationBuilderExtensions
{
    /// <summary>Configures the whole silo host from validated <paramref name="settings"/>.</summary>
    public static WebApplicationBuilder AddOrleansSyncSilo(this WebApplicationBuilder builder, SyncSiloOptions settings)
    {
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<SchemaMigrator>();
        HttpAuthentication.ReserveCredential(builder);
        builder.Services.Configure<HostOptions>(static o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(settings.HttpHost), settings.HttpPort));

        builder.UseOrleans(silo =>
        {
            var advertised = IPAddress.Parse(settings.AdvertisedIp);
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = settings.EffectiveName);
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = advertised;
                o.SiloPort = settings.SiloPort;
                o.GatewayPort = settings.GatewayPort;
                // Listen where we advertise: loopback stays loopback unless --advertised-ip says otherwise.
                o.SiloListeningEndpoint = new IPEndPoint(advertised, settings.SiloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(advertised, settings.GatewayPort);
            });
            silo.UsePostgres(settings.Postgres);
            silo.UseSingleActivationDirectory();
            if (SiloTls.Load(settings.Tls) is { } tls)
            {
                silo.UseMutualTls(tls);
            }

            silo.UseMembershipFromConfiguration();
            silo.UseReminderFloorFromConfiguration();
            silo.AddDashboard();
        });

        builder.Services.AddOpenTelemetry().WithMetrics(static metrics => metrics
            .AddMeter(SyncMetrics.MeterName, "Microsoft.Orleans")
            .AddPrometheusExporter());
        builder.Services.AddSyncApi();
        builder.Services.AddHealthChecks()
            .AddNpgSql(name: "postgres", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<SiloActiveHealthCheck>("silo-active", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }
}
