namespace OrleansSync.Diagnostics;

/// <summary>What a probe saw: the silo hosting the activation and the persisted write count.</summary>
/// <param name="Silo">The hosting silo's address, as Orleans prints it.</param>
/// <param name="SiloName">The hosting silo's configured name.</param>
/// <param name="Writes">How many probes have been persisted for this key, across activations.</param>
/// <param name="ActivatedAt">When this activation started (UTC).</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.Diagnostics.ProbeResult")]
public sealed record class ProbeResult(
    [property: Id(0)] string Silo,
    [property: Id(1)] string SiloName,
    [property: Id(2)] long Writes,
    [property: Id(3)] DateTimeOffset ActivatedAt);
