using System.Text.Json.Nodes;
using OrleansSync.Emulator;

namespace OrleansSync.Benchmarks.Hosting;

/// <summary>
/// What the emulator holds for one project (from its dump), and the upstream calls a complete first run needs at
/// least: every list page (reviews active then archived, workflows ACTIVE then INACTIVE; an empty list is one call)
/// and one call per review for each child stream (versions, progress).
/// </summary>
public sealed record class Dataset(long Reviews, long Workflows, long Versions, long ProgressSteps, long ListPages)
{
    /// <summary>The connector's page size for Reviews API lists (<c>OrleansSync:Acc:PageSize</c>, left at its default).</summary>
    public const int PageSize = 50;

    public long Records => Reviews + Workflows + Versions + ProgressSteps;

    public long MinimalReviewsApiCalls => ListPages + 2 * Reviews;

    public static async Task<Dataset> ReadAsync(AccEmulator emulator, IEnumerable<string> projectIds, CancellationToken cancellationToken)
    {
        var total = new Dataset(0, 0, 0, 0, 0);
        foreach (var projectId in projectIds)
        {
            var project = JsonNode.Parse(await emulator.DumpAsync(projectId, cancellationToken))!["projects"]!.AsArray().Single()!;
            var reviews = project["reviews"]!.AsArray();
            var workflows = project["workflows"]!.AsArray();
            var archived = reviews.Count(static r => (bool)r!["record"]!["archived"]!);
            var inactive = workflows.Count(static w => (string)w!["status"]! == "INACTIVE");
            total = new Dataset(
                total.Reviews + reviews.Count,
                total.Workflows + workflows.Count,
                total.Versions + reviews.Sum(static r => r!["versions"]!.AsArray().Count),
                total.ProgressSteps + reviews.Sum(static r => r!["progress"]!.AsArray().Count),
                total.ListPages + Pages(reviews.Count - archived) + Pages(archived) + Pages(workflows.Count - inactive) + Pages(inactive));
        }

        return total;

        static long Pages(int records) => Math.Max(1, (records + PageSize - 1) / PageSize);
    }

    /// <summary>Rows in the four mirror tables for these projects.</summary>
    public static async Task<Dataset> MirroredAsync(BenchmarkDatabase database, CancellationToken cancellationToken)
    {
        var counts = await database.ListAsync(
            """
            SELECT (SELECT count(*) FROM acc.reviews), (SELECT count(*) FROM acc.workflows),
                   (SELECT count(*) FROM acc.review_versions), (SELECT count(*) FROM acc.review_progress)
            """,
            static r => new Dataset(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), 0),
            cancellationToken);
        return counts.Single();
    }
}
