using Npgsql;
using OrleansSync.Cluster;
using OrleansSync.Schema.Reads;

namespace OrleansSync.Silo.Api;

/// <summary>
/// <c>/api/v1/cluster</c>: the report the CLI's <c>cluster --json</c> prints (silos with their running and queued
/// tasks and upstream latency percentiles, the progress writers, the rate budgets, the streaming tasks' replication
/// lags), read through this silo.
/// </summary>
internal static class ClusterEndpoints
{
    public static void Map(RouteGroupBuilder api) => api.MapGet("/cluster", ReadAsync).WithTags("Cluster");

    /// <param name="all">Also the silos membership declared dead.</param>
    /// <param name="grains">This silo's grain factory.</param>
    /// <param name="dataSource">The cluster's database.</param>
    /// <param name="cancellationToken">The request's.</param>
    private static async Task<ClusterView> ReadAsync(bool? all, IGrainFactory grains, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var tasksBySilo = await TaskCountsBySilo.ReadAsync(dataSource, cancellationToken);
        var streaming = await StreamingTaskIds.ReadAsync(dataSource, cancellationToken);
        return await ClusterReport.ReadAsync(grains, tasksBySilo, streaming, all ?? false, cancellationToken);
    }
}
