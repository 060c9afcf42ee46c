namespace OrleansSync.Tests.Infrastructure;

/// <summary>Two real silo processes shared by tests that only read the cluster (the CLI tests).</summary>
public sealed class TwoSiloProcessFixture : IAsyncLifetime
{
    /// <summary>A declared secret set on both silos, for projects the tests add but never sync.</summary>
    public const string SecretVariable = "ORLEANSSYNC_SECRET_TEST_CLI";

    private ProcessCluster? _cluster;

    public ProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture has not started.");

    public async ValueTask InitializeAsync() => _cluster = await ProcessCluster.StartAsync(
        silos: 2, TestContext.Current.CancellationToken, new Dictionary<string, string?> { [SecretVariable] = "cli-test-secret" });

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class TwoSiloProcessCollection : ICollectionFixture<TwoSiloProcessFixture>
{
    public const string Name = "two silo processes";
}
