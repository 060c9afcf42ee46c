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
        var standing = new List<StreamStanding>();
        foreach (var stream in spec.Streams)
        {
            var one = mirrors.GetValueOrDefault(stream) ?? new StreamStanding(stream);
            if (tasks.FirstOrDefault(t => t.Stream == stream) is { } task)
            {
                var view = await GrainFactory.GetGrain<ISyncTaskGrain>(task.TaskId).GetAsync(cancellationToken);
                one = one with { TaskId = task.TaskId, Status = view?.Status ?? task.Status, Lag = view?.Lag };
            }

            standing.Add(one);
        }

        return standing;
    }
}
