namespace OrleansSync.Tests.Infrastructure;

/// <summary>
/// One in-process cluster, started once and shared by a test class whose tests each use their own keys (projects,
/// grains); a subclass says how many silos and which settings. Starting a cluster costs seconds; most tests need none
/// of their own.
/// </summary>
public abstract class ClusterFixture : IAsyncLifetime
{
    private InProcessCluster? _cluster;

    public InProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture has not started.");

    protected abstract short Silos { get; }

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public virtual async ValueTask InitializeAsync() =>
        _cluster = await InProcessCluster.StartAsync(Silos, TestContext.Current.CancellationToken, Settings);

    public virtual async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>One silo with the default settings.</summary>
public sealed class OneSiloClusterFixture : ClusterFixture
{
    protected override short Silos => 1;
}
