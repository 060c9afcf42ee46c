using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Security;

/// <summary>Two silo processes with mutual TLS from one throwaway CA, and a second CA's material that must not get in.</summary>
public sealed class TlsClusterFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("orleanssync-tls-");

    private ProcessCluster? _cluster;

    public ProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture has not started.");

    public TlsMaterial Ours { get; private set; } = null!;

    public TlsMaterial Other { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Ours = await TlsMaterial.MakeAsync(Path.Combine(_directory.FullName, "cluster"), ct);
        Other = await TlsMaterial.MakeAsync(Path.Combine(_directory.FullName, "other"), ct);
        _cluster = await ProcessCluster.StartAsync(silos: 2, ct, Ours.SiloEnvironment());
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _directory.Delete(recursive: true);
    }
}
