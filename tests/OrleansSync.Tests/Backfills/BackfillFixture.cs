using System.Globalization;
using System.Text.Json.Nodes;
using OrleansSync.Backfills;
using OrleansSync.Emulator;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Backfills;

/// <summary>
/// One emulator (a project per test, reviews spread over many updatedAt days, a share archived) and one 2-silo cluster
/// running at most 3 days of a backfill at once, shared by <see cref="BackfillTests"/>.
/// </summary>
public sealed class BackfillFixture : EmulatorClusterFixture
{
    public const int MaxParallelDays = 3;

    public IReadOnlyDictionary<string, string> CliEnvironment => Cluster.CliEnvironment();

    protected override EmulatorOptions Upstream => new()
    {
        Dataset = { Seed = 91, Projects = 3, ReviewsPerProject = 300, WorkflowsPerProject = 3, VersionsPerReview = 2, ProgressStepsPerReview = 2, ArchivedShare = 0.3 },
        RateLimits = RateLimitOptions.Unlimited,
    };

    protected override short Silos => 2;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(SyncDriver.FastTasks)
    {
        ["OrleansSync:Acc:PageSize"] = "5",
        ["OrleansSync:Backfills:MaxParallelDays"] = MaxParallelDays.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The 7 UTC days (from the emulator's own data) holding the most reviews of the project, active and archived both
    /// present, and whether a review record's updatedAt falls in them.
    /// </summary>
    public async Task<(DateOnly From, DateOnly To, Func<JsonNode, bool> InRange, int Reviews)> BusiestWeekAsync(string projectId, CancellationToken ct)
    {
        var dump = JsonNode.Parse(await Emulator.DumpAsync(projectId, ct))!;
        var reviews = dump["projects"]![0]!["reviews"]!.AsArray()
            .Select(static r => (Day: DayOf(r!["record"]!), Archived: (bool)r!["record"]!["archived"]!))
            .ToList();
        var best = reviews.Select(static r => r.Day).Distinct()
            .Select(start => (Start: start, In: reviews.Where(r => r.Day >= start && r.Day <= start.AddDays(6)).ToList()))
            .Where(static w => w.In.Any(static r => r.Archived) && w.In.Any(static r => !r.Archived))
            .MaxBy(static w => w.In.Count);
        var from = best.Start;
        var to = from.AddDays(6);
        return (from, to, record => DayOf(record) is var day && day >= from && day <= to, best.In.Count);
    }

    public async Task<BackfillView> WaitForBackfillAsync(string backfillId, CancellationToken ct) =>
        await Eventually.ValueAsync(
            async () => await Cluster.Client.GetGrain<IBackfillGrain>(backfillId).GetAsync(ct) is { IsFinished: true } view ? view : null,
            TimeSpan.FromMinutes(2),
            $"backfill {backfillId} to finish",
            ct);

    private static DateOnly DayOf(JsonNode record) =>
        DateOnly.FromDateTime(DateTimeOffset.Parse((string)record["updatedAt"]!, CultureInfo.InvariantCulture).UtcDateTime);
}
