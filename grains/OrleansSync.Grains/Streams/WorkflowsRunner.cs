using OrleansSync.Acc;
using OrleansSync.Mirror;
using OrleansSync.Pipeline;

namespace OrleansSync.Streams;

/// <summary>Workflows are read in full every run, ACTIVE then INACTIVE; the mirror's updatedAt guard finds what changed.</summary>
public sealed class WorkflowsRunner(AccClient acc, IMirrorWriter mirror, ListPhaseReader reader) : IStreamRunner
{
    public string Stream => StreamNames.Workflows;

    public async Task RunAsync(StreamRun run, CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        var saved = await ListCursor.ReadAsync(mirror, run, cancellationToken);
        var start = saved?.IsUnfinishedRunOf(run) == true ? saved : new ListCursor(run.RunId, 0, null, false, null, null, 0);
        Uri[] lists = [acc.WorkflowsUrl(run.Connection, spec.ProjectId, "ACTIVE"), acc.WorkflowsUrl(run.Connection, spec.ProjectId, "INACTIVE")];
        await reader.ReadAsync(
            run,
            start,
            lists,
            (page, checkpoint) => mirror.WriteWorkflowsAsync(spec.ProjectId, page.Records, checkpoint, spec.TaskId, cancellationToken),
            highWater: null,
            cancellationToken);
    }
}
