using System.Runtime.CompilerServices;
using OrleansSync.Sources.Acc.Client;
using OrleansSync.Sources.Acc.Mirror;

namespace OrleansSync.Sources.Acc.Streams;

/// <summary>Workflows are read in full every run, ACTIVE then INACTIVE; the mirror's updatedAt guard finds what changed.</summary>
public sealed class WorkflowsRunner(AccClient acc, MirrorWriter mirror, ListPhaseReader reader) : IStreamRunner
{
    public string Stream => StreamNames.Workflows;

    public async IAsyncEnumerable<PageLanded> RunAsync(StreamRun run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        var saved = await ListCursor.ReadAsync(mirror, run, cancellationToken);
        if (saved?.IsFinishedRunOf(run) == true)
        {
            yield break;
        }

        var start = saved?.IsUnfinishedRunOf(run) == true ? saved : ListCursor.Start(run, since: null);
        Uri[] lists = [acc.WorkflowsUrl(run.Acc(), spec.ProjectId, "ACTIVE"), acc.WorkflowsUrl(run.Acc(), spec.ProjectId, "INACTIVE")];
        await foreach (var page in reader.ReadAsync(
            run,
            start,
            lists,
            (page, checkpoint) => mirror.WriteWorkflowsAsync(spec.ProjectId, page.Records, checkpoint, spec.TaskId, cancellationToken),
            cancellationToken))
        {
            yield return page;
        }
    }
}
