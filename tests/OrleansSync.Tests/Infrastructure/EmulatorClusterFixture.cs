using OrleansSync.Emulator;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>
/// One emulator and one in-process cluster, started once and shared by a test class (each test takes its own
/// projects of the emulator's dataset); a subclass says what upstream, how many silos and which settings.
/// </summary>
public abstract class EmulatorClusterFixture : IAsyncLifetime
{
    private AccEmulator? _emulator;
    private InProcessCluster? _cluster;

    public AccEmulator Emulator => _emulator ?? throw new InvalidOperationException("The fixture has not started.");

    public InProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture has not started.");

    protected abstract EmulatorOptions Upstream { get; }

    protected abstract short Silos { get; }

    protected abstract IReadOnlyDictionary<string, string?> Settings { get; }

    public async ValueTask InitializeAsync()
    {
        _emulator = await AccEmulator.StartAsync(Upstream, TestContext.Current.CancellationToken);
        _cluster = await InProcessCluster.StartAsync(Silos, TestContext.Current.CancellationToken, Settings);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
