using System.Text.Json.Nodes;
using OrleansSync.Emulator;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>
/// One emulator with a small project per hostile case, and one 2-silo cluster whose client gives up on a bad body
/// quickly (1 s body bound, one retry), shared by <see cref="HostileUpstreamTests"/>. Lists page by 5, so every list
/// has several pages to loop or contradict.
/// </summary>
public sealed class HostileUpstreamFixture : EmulatorClusterFixture
{
    protected override EmulatorOptions Upstream => new()
    {
        Dataset = { Seed = 71, Projects = 11, ReviewsPerProject = 12, WorkflowsPerProject = 3, VersionsPerReview = 2, ProgressStepsPerReview = 2, ArchivedShare = 0.2 },
        RateLimits = RateLimitOptions.Unlimited,
    };

    protected override short Silos => 2;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(SyncDriver.FastBreakers)
    {
        ["OrleansSync:Acc:PageSize"] = "5",
        ["OrleansSync:Acc:BodyTimeout"] = "00:00:01",
        ["OrleansSync:Acc:MalformedRetries"] = "1",
    };

    /// <summary>The project's first review in the emulator's dump, with how many versions and progress steps it has.</summary>
    public async Task<(string Id, int Versions, int Progress)> FirstReviewAsync(string projectId, CancellationToken ct)
    {
        var dump = JsonNode.Parse(await Emulator.DumpAsync(projectId, ct))!;
        var review = dump["projects"]![0]!["reviews"]![0]!;
        return ((string)review["id"]!, review["versions"]!.AsArray().Count, review["progress"]!.AsArray().Count);
    }
}
