namespace OrleansSync.Pipeline;

/// <summary>
/// A page's checkpoint was not ahead of the stored one of the same run: another activation of the task (a stale or
/// duplicate one) has moved on. The page rolled back; the activation that tried must stop and re-read.
/// </summary>
public sealed class StaleCheckpointException(Checkpoint checkpoint)
    : Exception($"The checkpoint of {checkpoint.Stream} in {checkpoint.ProjectId} is already past position {checkpoint.Position} of run {checkpoint.RunId}: another activation of task {checkpoint.TaskId} moved on.")
{
    public Checkpoint Checkpoint { get; } = checkpoint;
}
