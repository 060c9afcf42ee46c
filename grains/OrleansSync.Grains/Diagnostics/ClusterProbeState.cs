namespace OrleansSync.Diagnostics;

[GenerateSerializer, Alias("OrleansSync.Diagnostics.ClusterProbeState")]
public sealed class ClusterProbeState
{
    [Id(0)]
    public long Writes { get; set; }
}
