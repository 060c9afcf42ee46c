
namespace OrleansSync.Sources.Acc;

/// <summary>The streams of the ACC source, named as users and tables name them.</summary>
public static class StreamNames
{
    public const string Projects = "projects";
    public const string Workflows = "workflows";
    public const string Reviews = "reviews";
    public const string ReviewVersions = "review_versions";
    public const string ReviewProgress = "review_progress";

    /// <summary>One UTC day of a backfill: its reviews, active and archived, then their versions and progress. Not a project stream.</summary>
    public const string Backfill = "backfill";

    /// <summary>The streams a project syncs by default, in the order a run starts them.</summary>
    public static IReadOnlyList<string> ProjectStreams { get; } = [Workflows, Reviews, ReviewVersions, ReviewProgress];
}
