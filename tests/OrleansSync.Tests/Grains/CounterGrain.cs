namespace OrleansSync.Tests.Grains;

public sealed class CounterGrain(
    [PersistentState("counter", GrainStorage.Name)] IPersistentState<CounterState> state,
    ILocalSiloDetails silo) : Grain, ICounterGrain
{
    public async Task<long> IncrementAsync()
    {
        state.State.Value++;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<long> GetAsync() => Task.FromResult(state.State.Value);

    public Task<SiloAddress> SiloAsync() => Task.FromResult(silo.SiloAddress);

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

[GenerateSerializer, Alias("OrleansSync.Tests.CounterState")]
public sealed class CounterState
{
    [Id(0)]
    public long Value { get; set; }
}
