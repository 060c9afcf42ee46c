using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OrleansSync.Emulator.Hosting;
using OrleansSync.Emulator.Mutations;
using OrleansSync.Emulator.Stats;

namespace OrleansSync.Emulator;

/// <summary>
/// A running ACC emulator. Start one per test class (or per test that changes it) on a free port; talk to it over
/// HTTP at <see cref="BaseUrl"/> exactly as the connector talks to ACC. The methods here are the same controls as
/// the <c>/__</c> endpoints, for tests that prefer not to go through HTTP for setup.
/// </summary>
public sealed class AccEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ControlPlane _control;

    private AccEmulator(WebApplication app, EmulatorOptions options, Uri baseUrl)
    {
        _app = app;
        _control = app.Services.GetRequiredService<ControlPlane>();
        Options = options;
        BaseUrl = baseUrl;
        ProjectIds = [.. _control.Data.Projects.Select(p => p.Id)];
    }

    /// <summary>Root of every API, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The options it was started with; changing them afterwards has no effect.</summary>
    public EmulatorOptions Options { get; }

    /// <summary>The first configured client.</summary>
    public EmulatorClient DefaultClient => Options.Clients[0];

    /// <summary>The Admin API account holding every project.</summary>
    public string AccountId => _control.Data.AccountId;

    /// <summary>Project ids (no <c>b.</c> prefix), in Admin API order.</summary>
    public IReadOnlyList<string> ProjectIds { get; }

    /// <summary>The fault settings in force.</summary>
    public FaultSettings Faults => _control.Faults.Settings;

    /// <summary>The quotas in force.</summary>
    public RateLimitOptions RateLimits => _control.Limiter.Options;

    /// <summary>Starts an emulator in this process, on <see cref="EmulatorOptions.Host"/> and a free port by default.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public static Task<AccEmulator> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        return StartAsync(options, ownsConsole: false, cancellationToken);
    }

    internal static async Task<AccEmulator> StartAsync(EmulatorOptions options, bool ownsConsole, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        var app = EmulatorApp.Build(options, ownsConsole);
        try
        {
            await app.StartAsync(cancellationToken);
            return new AccEmulator(app, options, ResolveBaseUrl(app, options));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The upstream's "now", on its wall clock (<see cref="EmulatorOptions.TimeProvider"/>): every answer's HTTP
    /// <c>Date</c> carries it, to the second, plus <see cref="FaultSettings.DateSkewSeconds"/>. Changes are stamped
    /// on it less <see cref="FaultSettings.ReplicationLagMs"/>.
    /// </summary>
    public DateTimeOffset Clock => Options.TimeProvider.GetUtcNow();

    /// <summary>The updatedAt of the last mutation (before any, a time after every generated record).</summary>
    public DateTimeOffset LastStamp => DateTimeOffset.FromUnixTimeMilliseconds(_control.Data.Read(() => _control.Data.Clock));

    public StatsSnapshot GetStats() => _control.Stats();

    public void ResetStats() => _control.ResetStats();

    /// <summary>Applies <paramref name="count"/> deterministic mutations (see <c>POST /__mutate</c>).</summary>
    public MutationResult Mutate(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return _control.Mutate(count);
    }

    /// <summary>The <c>GET /__dump</c> document.</summary>
    public Task<string> DumpAsync(CancellationToken cancellationToken = default) => _control.DumpAsync(null, cancellationToken);

    /// <summary>The <c>GET /__dump?projectId=...</c> document: one project only.</summary>
    public Task<string> DumpAsync(string projectId, CancellationToken cancellationToken = default) =>
        _control.DumpAsync(projectId, cancellationToken);

    /// <summary>Replaces the fault settings; pending throttles and hostile rules are kept.</summary>
    /// <exception cref="ArgumentException">The settings are invalid.</exception>
    public void SetFaults(FaultSettings faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        var errors = faults.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(faults));
        }

        _control.Faults.Settings = faults;
    }

    /// <summary>The next <paramref name="calls"/> reviews or admin calls answer 429 with <see cref="FaultSettings.ThrottleRetryAfterSeconds"/>.</summary>
    public void ThrottleNext(int calls) => _control.Faults.ThrottleNext(calls);

    /// <summary>
    /// Adds a hostile-answer rule after those in force; it spoils matching calls until its
    /// <see cref="HostileRule.Times"/> are used up. Outages are a setting: <see cref="FaultSettings.OutageStatus"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The rule is invalid (e.g. a page kind on the token target).</exception>
    public void AddHostile(HostileRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var errors = rule.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(rule));
        }

        _control.Faults.Hostile.Add(rule);
    }

    /// <summary>Removes every hostile rule.</summary>
    public void ClearHostile() => _control.Faults.Hostile.Replace([]);

    /// <summary>The hostile rules still in force, in order, each with its remaining uses as <see cref="HostileRule.Times"/>.</summary>
    public IReadOnlyList<HostileRule> HostileRules => _control.Faults.Hostile.InForce;

    /// <summary>Replaces the quotas and starts every window afresh.</summary>
    /// <exception cref="ArgumentException">The limits are invalid.</exception>
    public void SetRateLimits(RateLimitOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var errors = limits.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(limits));
        }

        _control.Limiter.Options = limits;
    }

    /// <summary>Completes when the host stops (SIGTERM or Ctrl-C when run as a process).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static Uri ResolveBaseUrl(WebApplication app, EmulatorOptions options)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address.");
        var bound = new Uri(address);

        // A wildcard bind is reachable on loopback; advertise that rather than 0.0.0.0.
        var host = options.Host is "*" or "0.0.0.0" ? "127.0.0.1" : options.Host is "::" ? "[::1]" : bound.Host;
        return new UriBuilder(bound.Scheme, host, bound.Port, "/").Uri;
    }
}
