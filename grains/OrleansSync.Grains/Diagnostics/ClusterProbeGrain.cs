namespace OrleansSync.Diagnostics;

public sealed class ClusterProbeGrain(
    [PersistentState("probe", GrainStorage.Name)] IPersistentState<ClusterProbeState> state,
    ILocalSiloDetails silo) : Grain, IClusterProbeGrain
{
    private readonly DateTimeOffset _activatedAt = DateTimeOffset.UtcNow;

    public async Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken = default)
    {
        state.State.Writes++;
        await state.WriteStateAsync(cancellationToken);
        return Describe();
    }

    public Task<ProbeResult> PeekAsync(CancellationToken cancellationToken = default) => Task.FromResult(Describe());

    private ProbeResult Describe() =>
        new(silo.SiloAddress.ToParsableString(), silo.Name, state.State.Writes, _activatedAt);
}
