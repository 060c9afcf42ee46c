using OrleansSync.Tasks;

namespace OrleansSync.Client.Syncing;

/// <summary>What a watched run dead-lettered, per stream, and the command that shows those records.</summary>
public static class DeadLetterNotice
{
    public static long Total(IReadOnlyList<TaskView> tasks) => tasks.Sum(static t => t.Progress.DeadLettered);

    /// <summary>The line <c>sync --wait</c> writes on stderr after the run, or null when nothing was dead-lettered.</summary>
    public static string? Describe(string projectId, IReadOnlyList<TaskView> tasks)
    {
        // A backfill runs one task per day of a stream: count per stream, not per task.
        var byStream = tasks
            .Where(static t => t.Progress.DeadLettered > 0)
            .GroupBy(static t => t.Spec.Stream, StringComparer.Ordinal)
            .Select(static g => (Stream: g.Key, Count: g.Sum(static t => t.Progress.DeadLettered)))
            .OrderBy(static s => s.Stream, StringComparer.Ordinal)
            .ToList();
        if (byStream.Count == 0)
        {
            return null;
        }

        var total = byStream.Sum(static s => s.Count);
        var counted = total == 1 ? "1 record was" : $"{total} records were";
        return $"{counted} dead-lettered ({string.Join(", ", byStream.Select(static s => $"{s.Stream} {s.Count}"))}): orleanssync deadletter list --project {projectId}";
    }
}
