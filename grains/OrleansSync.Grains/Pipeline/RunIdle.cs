namespace OrleansSync.Pipeline;

/// <summary>
/// How a run waits for another task's output (a follower, <c>SyncTaskSpec.FollowsStream</c>, for pages its leader has
/// not landed yet): while it idles it holds none of its silo's run slots, so the task it waits for can have one, and it counts as
/// alive for the hung-task watchdog. The engine hands one to each run (<c>StreamRun.Idle</c>).
/// </summary>
public interface IRunIdle
{
    /// <summary>The run starts idling; disposing the result ends it (the run takes a slot again, in line).</summary>
    Task<IAsyncDisposable> BeginAsync(CancellationToken cancellationToken);
}

/// <summary>For runs outside a task (tools, tests): idling changes nothing.</summary>
public sealed class NoRunIdle : IRunIdle, IAsyncDisposable
{
    public static NoRunIdle Instance { get; } = new();

    public Task<IAsyncDisposable> BeginAsync(CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable>(this);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
