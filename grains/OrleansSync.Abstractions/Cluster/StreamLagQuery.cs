using OrleansSync.Tasks;

namespace OrleansSync.Cluster;

/// <summary>
/// The cluster report's replication lags: each streaming task asked for its lag now (its grain measures it, at most
/// once a second), so the report is as fresh as <c>task show</c>. A task that cannot answer is listed with why.
/// </summary>
internal static class StreamLagQuery
{
    public static async Task<IReadOnlyList<StreamLagView>> RunAsync(IGrainFactory grains, IReadOnlyList<string> taskIds, CancellationToken cancellationToken)
    {
        var views = await Task.WhenAll(taskIds.Select(id => AskAsync(grains, id, cancellationToken)));
        return [.. views.OfType<StreamLagView>()];
    }

    private static async Task<StreamLagView?> AskAsync(IGrainFactory grains, string taskId, CancellationToken cancellationToken)
    {
        try
        {
            // Ended since its row was read, or not a streaming task after all: nothing to report.
            return await grains.GetGrain<ISyncTaskGrain>(taskId).GetAsync(cancellationToken) is { Lag: { } lag } view
                ? new StreamLagView(taskId, view.Spec.ProjectId, view.Spec.Stream, view.Silo, view.Status.ToText(), lag, null)
                : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new StreamLagView(taskId, null, null, null, null, null, e.Message.Split('\n')[0]);
        }
    }
}

/// <summary>
/// One streaming task's lag behind its source: <c>Lag</c> has bytes, seconds, the limit (<c>MaxSlotLag</c>), when it
/// was measured and <c>OverLimit</c>; <c>Error</c> says why the task could not be asked, when it could not.
/// </summary>
public sealed record class StreamLagView(string TaskId, string? ProjectId, string? Stream, string? Silo, string? Status, StreamLag? Lag, string? Error);
