using System.Net;
using OrleansSync.Emulator.Admin;
using OrleansSync.Emulator.Auth;
using OrleansSync.Emulator.Data;
using OrleansSync.Emulator.Dump;
using OrleansSync.Emulator.Faults;
using OrleansSync.Emulator.Json;
using OrleansSync.Emulator.Mutations;
using OrleansSync.Emulator.RateLimiting;
using OrleansSync.Emulator.Reviews;
using OrleansSync.Emulator.Stats;

namespace OrleansSync.Emulator.Hosting;

/// <summary>Builds the web application: services, the upstream pipeline and every endpoint.</summary>
internal static class EmulatorApp
{
    public static WebApplication Build(EmulatorOptions options, bool ownsConsole)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // No args and a fixed content root: the host must not pick up the caller's flags or files.
            Args = [],
            ApplicationName = typeof(EmulatorApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        if (ownsConsole)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
            builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        }
        else
        {
            builder.Services.AddSingleton<IHostLifetime, NoConsoleLifetime>();
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(ParseAddress(options.Host), options.Port);
        });
        builder.Services.AddEmulatorServices(options);

        var app = builder.Build();
        app.UseRouting();
        app.UseMiddleware<UpstreamClockMiddleware>();
        app.UseMiddleware<StatsMiddleware>();
        app.UseMiddleware<UpstreamMiddleware>();
        app.MapTokenEndpoint();
        app.MapReviewsApi();
        app.MapAdminApi();
        app.MapControlEndpoints();
        app.MapDump();
        app.MapFallback("{*path}", static (HttpRequest request) =>
            ApiErrors.NotFound($"No resource at {request.Method} {request.Path}."));
        return app;
    }

    /// <summary>An IP address, <c>localhost</c> (IPv4 loopback) or <c>*</c> (every interface).</summary>
    public static IPAddress ParseAddress(string host)
    {
        return host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" => IPAddress.Any,
            _ when IPAddress.TryParse(host, out var address) => address,
            _ => throw new ArgumentException($"host '{host}' is not an IP address, 'localhost' or '*'", nameof(host)),
        };
    }

    private static IServiceCollection AddEmulatorServices(this IServiceCollection services, EmulatorOptions options)
    {
        var dataset = DatasetGenerator.Generate(options.Dataset, options.AccountId);
        var faults = new FaultState(options.Faults, dataset.Seed);
        services.AddSingleton(options);
        services.AddSingleton(options.TimeProvider);
        services.AddSingleton(dataset);
        services.AddSingleton(faults);
        services.AddSingleton(new MalformedPolicy(faults, dataset.Seed));
        services.AddSingleton<HostileAnswers>();
        services.AddSingleton(new ClientRegistry(options.Clients));
        services.AddSingleton<TokenStore>();
        services.AddSingleton(new RateLimiter(options.RateLimits, options.TimeProvider));
        services.AddSingleton<StatsRecorder>();
        services.AddSingleton<ListCache>();
        services.AddSingleton(new Mutator(dataset, options.Dataset, options.TimeProvider, faults));
        services.AddSingleton<ControlPlane>();
        return services;
    }
}
