using OrleansSync.Progress;

namespace OrleansSync.Cluster;

/// <summary>
/// The cluster as the CLI's <c>cluster</c> and the API's <c>GET /api/v1/cluster</c> show it: the silos membership
/// knows of with their running and queued tasks and upstream latency, the progress writers' counters, each
/// credential's rate budget, and each streaming task's replication lag. Read through any grain factory, a client's or a silo's.
/// </summary>
public static class ClusterReport
{
    /// <param name="grains">A client's or a silo's grain factory.</param>
    /// <param name="tasksBySilo">Running and queued tasks by silo name (the progress table's counts).</param>
    /// <param name="streamingTaskIds">The tasks not ended whose progress row carries a lag (the progress table's).</param>
    /// <param name="includeDead">Also the silos membership declared dead.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task<ClusterView> ReadAsync(
        IGrainFactory grains, IReadOnlyDictionary<string, (long Running, long Queued)> tasksBySilo, IReadOnlyList<string> streamingTaskIds, bool includeDead,
        CancellationToken cancellationToken)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false, cancellationToken);
        var latency = await UpstreamLatencyQuery.RunAsync(grains, hosts, cancellationToken);
        var silos = hosts
            .Where(h => includeDead || h.Status != SiloStatus.Dead)
            .OrderBy(static h => h.SiloAddress.Endpoint.Port)
            .ThenBy(static h => h.StartTime)
            .Select(h =>
            {
                var address = h.SiloAddress.ToParsableString();
                var active = h.Status == SiloStatus.Active;
                var tasks = active ? tasksBySilo.GetValueOrDefault(h.SiloName) : default;
                latency.TryGetValue(address, out var measured);
                return new SiloView(
                    h.SiloAddress.Endpoint.ToString(), address, h.SiloName, h.HostName, h.Status.ToString(), h.ProxyPort,
                    new DateTimeOffset(h.StartTime, TimeSpan.Zero), new DateTimeOffset(h.IAmAliveTime, TimeSpan.Zero), tasks.Running, tasks.Queued,
                    measured?.Endpoints, measured?.Error);
            })
            .ToList();
        return new ClusterView(
            silos, await ProgressWritersAsync(grains, cancellationToken), await RateBudgetQuery.RunAsync(grains, cancellationToken),
            await StreamLagQuery.RunAsync(grains, streamingTaskIds, cancellationToken));
    }

    /// <summary>Each progress writer's counters since it activated, and their sum.</summary>
    private static async Task<ProgressWritersView> ProgressWritersAsync(IGrainFactory grains, CancellationToken cancellationToken)
    {
        var writers = new List<ProgressWriterStats>();
        for (var bucket = 0; bucket < ProgressBuckets.Count; bucket++)
        {
            writers.Add(await grains.GetGrain<IProgressWriterGrain>(bucket).GetStatsAsync(cancellationToken));
        }

        return new ProgressWritersView(
            writers.Sum(static w => w.Updates), writers.Sum(static w => w.RowsWritten), writers.Sum(static w => w.Statements), writers.Sum(static w => w.Pending), writers);
    }
}

/// <summary>The whole report.</summary>
public sealed record class ClusterView(
    IReadOnlyList<SiloView> Silos, ProgressWritersView ProgressWriters, IReadOnlyList<RateBudgetView> RateBudgets, IReadOnlyList<StreamLagView> ReplicationLags);

/// <summary>
/// One silo. <c>Latency</c> is upstream p50/p95/p99 by endpoint in milliseconds as the silo measured them (Active
/// silos only); <c>LatencyError</c> why it is unknown, when it is.
/// </summary>
public sealed record class SiloView(
    string Address, string SiloAddress, string Name, string HostName, string Status, int GatewayPort, DateTimeOffset StartTime, DateTimeOffset IAmAliveTime,
    long RunningTasks, long QueuedTasks, IReadOnlyDictionary<string, EndpointLatencyView>? Latency, string? LatencyError);

/// <summary>The progress writers' counters since each activated, summed, and each writer's own.</summary>
public sealed record class ProgressWritersView(long Updates, long RowsWritten, long Statements, int Pending, IReadOnlyList<ProgressWriterStats> Writers);
