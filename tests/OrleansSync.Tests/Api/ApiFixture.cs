using System.Net.Http.Headers;
using System.Security.Cryptography;
using OrleansSync.Client.Connection;
using OrleansSync.Emulator;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Api;

/// <summary>The API's test classes share one cluster, one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api cluster";
}

/// <summary>
/// Two real silo processes serving the HTTP API behind a credential, an emulator with a few small projects, and an
/// Orleans client for setting up what the API is asked about. The event feed keeps only the last 10 events older than a second,
/// so a test can reach past it.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    private const string CredentialVariable = "ORLEANSSYNC_SECRET_API_TEST";

    private readonly string _credential = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    private AccEmulator? _emulator;
    private ProcessCluster? _cluster;
    private ClusterConnection? _connection;

    /// <summary>The silos' HTTP credential.</summary>
    public string Credential => _credential;

    public AccEmulator Emulator => _emulator ?? throw new InvalidOperationException("not started");

    public ProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public IClusterClient Client => (_connection ?? throw new InvalidOperationException("not started")).Client;

    /// <summary>The first silo's HTTP API with the credential.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The second silo's.</summary>
    public HttpClient OtherSilo { get; private set; } = null!;

    /// <summary>The same address without any credential.</summary>
    public HttpClient Stranger { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 91, Projects = 12, ReviewsPerProject = 12, WorkflowsPerProject = 2, VersionsPerReview = 1, ProgressStepsPerReview = 1, ArchivedShare = 0 },
                RateLimits = RateLimitOptions.Unlimited,
            },
            ct);
        var environment = SyncDriver.FastTasks.ToDictionary(static e => e.Key.Replace(":", "__", StringComparison.Ordinal), static e => e.Value);
        environment[SyncDriver.SecretVariable] = _emulator.DefaultClient.ClientSecret;
        environment[CredentialVariable] = _credential;
        environment["OrleansSync__Http__AuthSecretVariable"] = CredentialVariable;
        // A budget far above what the tests call, so the cluster report has one to show and nothing waits on it.
        environment["OrleansSync__RateBudget__Enabled"] = "true";
        environment["OrleansSync__RateBudget__Window"] = "00:00:01";
        environment["OrleansSync__RateBudget__Reviews"] = "10000";
        environment["OrleansSync__Events__KeepCount"] = "10";
        environment["OrleansSync__Events__KeepFor"] = "00:00:01";
        _cluster = await ProcessCluster.StartAsync(silos: 2, ct, environment);
        _connection = await _cluster.ConnectAsync(ct);
        Http = Authorized(_cluster.Silos[0]);
        OtherSilo = Authorized(_cluster.Silos[1]);
        Stranger = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_cluster.Silos[0].HttpPort}") };
    }

    /// <summary>A client of <paramref name="silo"/>'s API with the credential, without a time limit (event streams stay open).</summary>
    public HttpClient Authorized(SiloProcess silo)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"), Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _credential);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        OtherSilo?.Dispose();
        Stranger?.Dispose();
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }
}
