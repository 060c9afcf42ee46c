namespace OrleansSync.Tasks;

/// <summary>A task that a run (a project's run, a backfill's day) starts and follows to its end.</summary>
public interface IStartedTask
{
    string? TaskId { get; }

    /// <summary>The task grain confirmed its start.</summary>
    bool Started { get; set; }

    SyncTaskStatus Status { get; set; }
}

/// <summary>
/// How a project's run and a backfill start their tasks: one at a time, each marked started and saved once its grain
/// confirmed, so a silo that dies between two starts loses none, and the next pass repeats none.
/// </summary>
internal static class TaskStarts
{
    /// <param name="grains">The caller's grain factory.</param>
    /// <param name="due">The tasks to start, in order.</param>
    /// <param name="spec">What each task runs.</param>
    /// <param name="stillWanted">Checked before each start: false once the run ended while this pass awaited.</param>
    /// <param name="save">Writes the caller's state.</param>
    public static async Task StartAsync<T>(IGrainFactory grains, IEnumerable<T> due, Func<T, SyncTaskSpec> spec, Func<bool> stillWanted, Func<Task> save)
        where T : IStartedTask
    {
        foreach (var task in due.ToList())
        {
            if (!stillWanted())
            {
                return;
            }

            // StartAsync is idempotent: a start whose confirmation was lost is simply confirmed now.
            await grains.GetGrain<ISyncTaskGrain>(task.TaskId!).StartAsync(spec(task));
            task.Started = true;
            if (task.Status == SyncTaskStatus.Pending)
            {
                task.Status = SyncTaskStatus.Running;
            }

            await save();
        }
    }
}
