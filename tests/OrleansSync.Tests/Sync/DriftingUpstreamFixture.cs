using OrleansSync.Emulator;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>
/// One emulator with a small project per case and one silo, shared by <see cref="DriftingUpstreamTests"/>: lists page
/// by 5, so a review archived on the first page shifts one across a page boundary; a list is read again at most twice.
/// </summary>
public sealed class DriftingUpstreamFixture : IAsyncLifetime
{
    private AccEmulator? _emulator;
    private InProcessCluster? _cluster;

    public AccEmulator Emulator => _emulator!;

    public InProcessCluster Cluster => _cluster!;

    public async ValueTask InitializeAsync()
    {
        _emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 91, Projects = 4, ReviewsPerProject = 16, WorkflowsPerProject = 2, VersionsPerReview = 1, ProgressStepsPerReview = 1, ArchivedShare = 0.2 },
                RateLimits = RateLimitOptions.Unlimited,
            },
            TestContext.Current.CancellationToken);
        var configuration = new Dictionary<string, string?>(SyncDriver.FastTasks)
        {
            ["OrleansSync:Acc:PageSize"] = "5",
            ["OrleansSync:Acc:MaxListRereads"] = "2",
        };
        _cluster = await InProcessCluster.StartAsync(silos: 1, TestContext.Current.CancellationToken, configuration);
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
    }
}
