using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using OrleansSync.Tests.Grains;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Persistence;

/// <summary>The ADO.NET grain storage on PostgreSQL refuses stale writes; the tests share one silo, each with its own grain.</summary>
public sealed class GrainStorageTests(OneSiloClusterFixture fixture) : IClassFixture<OneSiloClusterFixture>
{
    private const string StateName = "counter";

    [Fact]
    public async Task WriteState_StaleVersion_IsRefusedAndChangesNothing()
    {
        var cluster = fixture.Cluster;
        var storage = cluster.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
        var grainId = GrainId.Create("counter", Guid.NewGuid().ToString("N"));

        var first = await WriteAsync(storage, grainId, new GrainState<CounterState>(new CounterState()), 1);
        var rival = await ReadAsync(storage, grainId);
        await WriteAsync(storage, grainId, first, 2);

        // rival still holds the version read before the second write.
        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(storage, grainId, rival, 99));

        var stored = await ReadAsync(storage, grainId);
        Assert.Equal(2, ValueOf(stored));
        Assert.Equal(first.ETag, stored.ETag);
    }

    [Fact]
    public async Task WriteState_TwoFirstWrites_SecondIsRefused()
    {
        var cluster = fixture.Cluster;
        var storage = cluster.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
        var grainId = GrainId.Create("counter", Guid.NewGuid().ToString("N"));

        await WriteAsync(storage, grainId, new GrainState<CounterState>(new CounterState()), 1);

        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(storage, grainId, new GrainState<CounterState>(new CounterState()), 2));
        Assert.Equal(1, ValueOf(await ReadAsync(storage, grainId)));
    }

    [Fact]
    public async Task ClearState_ThenRead_IsEmptyAndWritableAgain()
    {
        var cluster = fixture.Cluster;
        var storage = cluster.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
        var grainId = GrainId.Create("counter", Guid.NewGuid().ToString("N"));
        var state = await WriteAsync(storage, grainId, new GrainState<CounterState>(new CounterState()), 5);

        await storage.ClearStateAsync(StateName, grainId, state);
        var read = await ReadAsync(storage, grainId);

        Assert.False(read.RecordExists);
        Assert.Equal(0, ValueOf(read));
        await WriteAsync(storage, grainId, read, 7);
        Assert.Equal(7, ValueOf(await ReadAsync(storage, grainId)));
    }

    private static async Task<GrainState<CounterState>> WriteAsync(IGrainStorage storage, GrainId grainId, GrainState<CounterState> state, long value)
    {
        state.State = new CounterState { Value = value };
        await storage.WriteStateAsync(StateName, grainId, state);
        return state;
    }

    private static async Task<GrainState<CounterState>> ReadAsync(IGrainStorage storage, GrainId grainId)
    {
        var state = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync(StateName, grainId, state);
        return state;
    }

    private static long ValueOf(GrainState<CounterState> state) => state.State?.Value ?? 0;
}
