using Orleans.Placement;

namespace OrleansSync.Diagnostics;

// Immovable: the answer is only true of the silo the activation lives on, so repartitioning must not migrate it.
[Immovable]
public sealed class UpstreamLatencyGrain(UpstreamLatency latency, ILocalSiloDetails silo) : Grain, IUpstreamLatencyGrain
{
    public Task<UpstreamLatencyReport> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new UpstreamLatencyReport(silo.SiloAddress.ToParsableString(), silo.Name, latency.Snapshot()));
}
