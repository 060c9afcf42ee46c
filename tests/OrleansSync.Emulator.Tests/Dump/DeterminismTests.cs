using Microsoft.Extensions.Time.Testing;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Dump;

public sealed class DeterminismTests
{
    [Fact]
    public async Task Dump_TwoInstancesSameSeedClockAndMutations_AreByteIdentical()
    {
        var ct = TestContext.Current.CancellationToken;
        var faults = new FaultSettings { MalformedRate = 0.05 };
        // Changes are stamped on the upstream's wall clock: the same seed gives the same data on the same clock.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        var (firstOptions, secondOptions) = (TestOptions.Small(seed: 99, faults: faults), TestOptions.Small(seed: 99, faults: faults));
        firstOptions.TimeProvider = secondOptions.TimeProvider = clock;
        await using var first = await AccEmulator.StartAsync(firstOptions, ct);
        await using var second = await AccEmulator.StartAsync(secondOptions, ct);

        var initial = (await first.DumpAsync(ct), await second.DumpAsync(ct));
        var firstChanges = first.Mutate(25);
        var secondChanges = second.Mutate(25);

        Assert.Equal(initial.Item1, initial.Item2);
        Assert.Equal(await first.DumpAsync(ct), await second.DumpAsync(ct));
        Assert.Equal(firstChanges.Changes, secondChanges.Changes);
        Assert.NotEqual(initial.Item1, await first.DumpAsync(ct));
    }

    [Fact]
    public async Task Dump_OverHttp_EqualsInProcessDump()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);

        var response = await client.GetAsync("/__dump", null, ct, userId: false);

        Assert.Equal(await emulator.DumpAsync(ct), response.Body);
    }

    [Fact]
    public async Task Dump_DifferentSeeds_Differ()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = await AccEmulator.StartAsync(TestOptions.Small(seed: 1), ct);
        await using var second = await AccEmulator.StartAsync(TestOptions.Small(seed: 2), ct);

        Assert.NotEqual(await first.DumpAsync(ct), await second.DumpAsync(ct));
        Assert.NotEqual(first.ProjectIds, second.ProjectIds);
    }
}
