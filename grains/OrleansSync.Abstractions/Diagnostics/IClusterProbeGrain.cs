namespace OrleansSync.Diagnostics;

/// <summary>
/// A small persisted grain that proves, end to end, that the cluster can place an activation,
/// write its state to the grain store and answer from the silo it lives on.
/// <c>orleanssync cluster --check</c> and the smoke tests call it.
/// </summary>
[Alias("OrleansSync.Diagnostics.IClusterProbeGrain")]
public interface IClusterProbeGrain : IGrainWithStringKey
{
    /// <summary>Increments the persisted probe counter and reports where the activation runs.</summary>
    [Alias("Probe")]
    Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken = default);

    /// <summary>Reports the persisted counter and the hosting silo without writing.</summary>
    [Alias("Peek")]
    Task<ProbeResult> PeekAsync(CancellationToken cancellationToken = default);
}
