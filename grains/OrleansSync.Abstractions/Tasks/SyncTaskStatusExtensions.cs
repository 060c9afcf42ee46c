namespace OrleansSync.Tasks;

public static class SyncTaskStatusExtensions
{
    /// <summary>Succeeded, failed or cancelled: the task will not run again.</summary>
    public static bool IsTerminal(this SyncTaskStatus status) =>
        status is SyncTaskStatus.Succeeded or SyncTaskStatus.Failed or SyncTaskStatus.Cancelled;

    /// <summary>
    /// How a set of ended tasks ended together (a run's, a backfill's days): succeeded when all did, failed when any
    /// failed, cancelled otherwise.
    /// </summary>
    public static SyncTaskStatus Outcome(this IReadOnlyCollection<SyncTaskStatus> statuses) =>
        statuses.All(static s => s == SyncTaskStatus.Succeeded) ? SyncTaskStatus.Succeeded
        : statuses.Contains(SyncTaskStatus.Failed) ? SyncTaskStatus.Failed
        : SyncTaskStatus.Cancelled;

    /// <summary>The lower-case name used in <c>sync.*</c> tables, the CLI and JSON filters.</summary>
    public static string ToText(this SyncTaskStatus status) => status.ToString().ToLowerInvariant();
}
