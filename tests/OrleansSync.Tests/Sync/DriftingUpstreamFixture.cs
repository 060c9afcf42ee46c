using OrleansSync.Emulator;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>
/// One emulator with a small project per case and one silo, shared by <see cref="DriftingUpstreamTests"/>: lists page
/// by 5, so a review archived on the first page shifts one across a page boundary; a list is read again at most twice.
/// </summary>
public sealed class DriftingUpstreamFixture : EmulatorClusterFixture
{
    protected override EmulatorOptions Upstream => new()
    {
        Dataset = { Seed = 91, Projects = 5, ReviewsPerProject = 16, WorkflowsPerProject = 2, VersionsPerReview = 1, ProgressStepsPerReview = 1, ArchivedShare = 0.2 },
        RateLimits = RateLimitOptions.Unlimited,
    };

    protected override short Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(SyncDriver.FastTasks)
    {
        ["OrleansSync:Acc:PageSize"] = "5",
        ["OrleansSync:Acc:MaxListRereads"] = "2",
    };
}
