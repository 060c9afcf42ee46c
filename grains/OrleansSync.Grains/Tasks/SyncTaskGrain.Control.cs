namespace OrleansSync.Tasks;

/// <summary>Pause, resume and retry, asked for by a user.</summary>
public sealed partial class SyncTaskGrain
{
    public Task<TaskView?> PauseAsync(CancellationToken cancellationToken = default) =>
        throw new InvalidRequestException("task pause is not built yet.");

    public Task<TaskView?> ResumeAsync(CancellationToken cancellationToken = default) =>
        throw new InvalidRequestException("task resume is not built yet.");

    public Task<TaskView?> RetryAsync(CancellationToken cancellationToken = default) =>
        throw new InvalidRequestException("task retry is not built yet.");
}
