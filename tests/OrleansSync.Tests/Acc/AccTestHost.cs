using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansSync.Emulator;
using OrleansSync.Sources.Acc.Client;

namespace OrleansSync.Tests.Acc;

/// <summary>The connector as a silo wires it (<c>AddAccSource</c>, configuration, logging), pointed at an emulator.</summary>
internal sealed class AccTestHost : IAsyncDisposable
{
    public const string UserId = "test-user";

    private readonly ServiceProvider _services;

    private AccTestHost(ServiceProvider services, AccConnection connection, LogCapture logs)
    {
        _services = services;
        Connection = connection;
        Logs = logs;
    }

    public AccClient Client => _services.GetRequiredService<AccClient>();

    public AccTokenCache Tokens => _services.GetRequiredService<AccTokenCache>();

    public IServiceProvider Services => _services;

    /// <summary>The emulator's default client, with a user id for the Reviews API.</summary>
    public AccConnection Connection { get; }

    public LogCapture Logs { get; }

    /// <summary>
    /// A connector for <paramref name="emulator"/>; <paramref name="settings"/> are "OrleansSync:Acc" keys (e.g. "PageSize")
    /// to set (or whole keys, e.g. "OrleansSync:RateBudget:MaxPause"), and backoff is shortened by default so failures retry fast. <paramref name="time"/> replaces the system clock.
    /// </summary>
    public static AccTestHost Start(AccEmulator emulator, IReadOnlyDictionary<string, string>? settings = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        var client = emulator.DefaultClient;
        return Start(new AccConnection(emulator.BaseUrl, client.ClientId, client.ClientSecret, UserId), settings, time);
    }

    /// <summary>A connector for any upstream, e.g. a <see cref="HostileUpstream"/>, as <paramref name="connection"/>.</summary>
    public static AccTestHost Start(AccConnection connection, IReadOnlyDictionary<string, string>? settings = null, TimeProvider? time = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["OrleansSync:Acc:BaseDelay"] = "00:00:00.050",
            ["OrleansSync:Acc:MaxDelay"] = "00:00:01",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            values[key.StartsWith("OrleansSync:", StringComparison.Ordinal) ? key : $"OrleansSync:Acc:{key}"] = value;
        }

        var logs = new LogCapture();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddAccSource();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new AccTestHost(provider, connection, logs);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
