using OrleansSync.Emulator;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>A shared cluster (see <see cref="ClusterFixture"/>) and one emulator, the upstream its tests sync from.</summary>
public abstract class EmulatorClusterFixture : ClusterFixture
{
    private AccEmulator? _emulator;

    public AccEmulator Emulator => _emulator ?? throw new InvalidOperationException("The fixture has not started.");

    protected abstract EmulatorOptions Upstream { get; }

    public override async ValueTask InitializeAsync()
    {
        _emulator = await AccEmulator.StartAsync(Upstream, TestContext.Current.CancellationToken);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }
}
