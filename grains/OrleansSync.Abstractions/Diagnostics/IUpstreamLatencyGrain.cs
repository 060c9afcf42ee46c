namespace OrleansSync.Diagnostics;

/// <summary>
/// Reads the upstream latency of the silo its activation lives on. Key it by the silo's address and place it there with
/// a placement hint (<c>IPlacementDirector.PlacementHintKey</c>), as <c>orleanssync cluster</c> does; it never moves.
/// </summary>
[Alias("OrleansSync.Diagnostics.IUpstreamLatencyGrain")]
public interface IUpstreamLatencyGrain : IGrainWithStringKey
{
    /// <summary>p50/p95/p99 per endpoint over this silo's recent upstream attempts.</summary>
    [Alias("Get")]
    Task<UpstreamLatencyReport> GetAsync(CancellationToken cancellationToken = default);
}
