using OrleansSync.Tasks;

namespace OrleansSync.Projects;

/// <summary>Each stream as it stands, for <c>project show</c>: its mirror and checkpoint, and its task with its lag.</summary>
public sealed partial class ProjectGrain
{
    public async Task<IReadOnlyList<StreamStanding>?> StandingAsync(CancellationToken cancellationToken = default)
    {
        // Everything of the state is read before the first await: this call interleaves with the project's others.
        if (state.State.Spec is not { } spec)
        {
            return null;
        }

        var tasks = (state.State.CurrentRun?.ToView(ProjectId, SyncTaskStatus.Running, null) ?? state.State.LastRun)?.Tasks ?? [];
        var mirrors = (await kinds.Of(spec.Source).StandingAsync(spec, cancellationToken)).ToDictionary(static s => s.Stream, StringComparer.Ordinal);
        // Each task at once: a capture's task asks its source for its lag, and a project may have many tables.
        return await Task.WhenAll(spec.Streams.Select(stream => WithTaskAsync(mirrors.GetValueOrDefault(stream) ?? new StreamStanding(stream), tasks, cancellationToken)));
    }

    /// <summary><paramref name="one"/> with its stream's task in <paramref name="tasks"/>, as that task sees itself now.</summary>
    private async Task<StreamStanding> WithTaskAsync(StreamStanding one, IReadOnlyList<TaskRef> tasks, CancellationToken cancellationToken)
    {
        if (tasks.FirstOrDefault(t => t.Stream == one.Stream) is not { } task)
        {
            return one;
        }

        var view = await GrainFactory.GetGrain<ISyncTaskGrain>(task.TaskId).GetAsync(cancellationToken);
        return one with { TaskId = task.TaskId, Status = view?.Status ?? task.Status, Lag = view?.Lag };
    }
}
