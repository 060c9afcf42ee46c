using OrleansSync.Benchmarks.Hosting;
using OrleansSync.Emulator;
using OrleansSync.Projects;

namespace OrleansSync.Benchmarks.Scheduler;

/// <summary>
/// The managed memory an idle, scheduled project grain holds in its silo: a silo in this process (as a silo process
/// configures Orleans, on PostgreSQL), <c>count</c> projects configured, paused and given a one-minute schedule (so the
/// reminder is registered but no run starts: a paused project's tick is skipped and recorded), then the GC heap after
/// a full blocking, compacting collection, minus the same before them, over the project activations the silo counts.
/// </summary>
public static class IdleGrainMemory
{
    public sealed record class Result(int Projects, int Activations, double BytesPerGrain, long HeapBefore, long HeapAfter);

    public static async Task<Result> MeasureAsync(AccEmulator emulator, int count, CancellationToken cancellationToken)
    {
        await using var database = await BenchmarkDatabase.CreateAsync(cancellationToken);
        Environment.SetEnvironmentVariable(Syncs.SecretVariable, emulator.DefaultClient.ClientSecret);
        await using var silo = await BenchmarkSilo.StartAsync(database.PooledConnectionString(20), new Dictionary<string, string?>(), cancellationToken);
        var ids = Enumerable.Range(0, count + Warmup).Select(static i => $"idle-{i:D6}").ToList();

        // A few first, so that JIT, the catalogs and the reminder service's own structures are not counted.
        await AddIdleAsync(silo.Client, emulator, ids[..Warmup], cancellationToken);
        var before = await ProjectActivationsAsync(silo.Client);
        var heapBefore = Heap();
        await AddIdleAsync(silo.Client, emulator, ids[Warmup..], cancellationToken);
        var heapAfter = Heap();
        var activations = await ProjectActivationsAsync(silo.Client) - before;
        var grains = activations > 0 ? activations : count;
        return new Result(count, activations, (double)(heapAfter - heapBefore) / grains, heapBefore, heapAfter);
    }

    private const int Warmup = 50;

    private static async Task AddIdleAsync(IClusterClient client, AccEmulator emulator, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        foreach (var batch in ids.Chunk(100))
        {
            await Task.WhenAll(batch.Select(async id =>
            {
                var project = client.GetGrain<IProjectGrain>(id);
                await project.ConfigureAsync(Syncs.Spec(emulator, id, ["workflows"]), cancellationToken);
                await project.SetPausedAsync(true, cancellationToken);
                await project.ScheduleAsync(TimeSpan.FromMinutes(1), cancellationToken);
            }));
        }
    }

    private static async Task<int> ProjectActivationsAsync(IClusterClient client)
    {
        var stats = await client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return stats.Where(static s => s.GrainType.Split(',')[0].EndsWith(".ProjectGrain", StringComparison.Ordinal)).Sum(static s => s.ActivationCount);
    }

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
