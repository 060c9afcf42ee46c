using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>Two silos whose tasks retry and resume in moments (<see cref="SyncDriver.FastTasks"/>).</summary>
public sealed class FastTasksClusterFixture : ClusterFixture
{
    protected override short Silos => 2;

    protected override IReadOnlyDictionary<string, string?> Settings => SyncDriver.FastTasks;
}
