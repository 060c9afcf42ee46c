namespace OrleansSync.Progress;

public static class ProgressBuckets
{
    public const int Count = 4;

    /// <summary>FNV-1a of the task id: stable across silos and restarts, unlike string.GetHashCode.</summary>
    public static long For(string taskId)
    {
        var hash = 2166136261u;
        foreach (var c in taskId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash % Count;
    }
}
