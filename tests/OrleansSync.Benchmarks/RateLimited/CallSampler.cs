using System.Globalization;
using OrleansSync.Emulator;
using OrleansSync.RateBudget;

namespace OrleansSync.Benchmarks.RateLimited;

/// <summary>
/// Where a rate-limited run's throughput goes, second by second: the calls upstream answered (the emulator's count)
/// beside what the cluster's budget says (slots granted, callers waiting at its last lease). A second with callers
/// waiting and calls below the pace lost slots in the budget; a second with none waiting lost them for want of calls.
/// </summary>
internal sealed class CallSampler : IAsyncDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    private readonly List<Sample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private CallSampler(IClusterClient client, AccEmulator emulator) => _loop = LoopAsync(client, emulator, _stop.Token);

    public static CallSampler Start(IClusterClient client, AccEmulator emulator) => new(client, emulator);

    /// <summary>Stops sampling and summarises the seconds between the first call and the last.</summary>
    public async Task<string> StopAsync(double pace)
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var seconds = _samples.Zip(_samples.Skip(1), static (a, b) => new Second(b.Calls - a.Calls, b.Granted - a.Granted, b.Waiting > 0))
            .SkipWhile(static s => s.Calls == 0).Reverse().SkipWhile(static s => s.Calls == 0).Reverse().ToList();
        if (seconds.Count == 0)
        {
            return "no second sampled";
        }

        var waited = seconds.Where(static s => s.Waiting).ToList();
        var idle = seconds.Where(static s => !s.Waiting).ToList();
        var slow = seconds.Count(s => s.Calls < 0.9 * pace);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"per second: calls p10 {Percentile(seconds, 0.1):0}, median {Percentile(seconds, 0.5):0}, max {seconds.Max(static s => s.Calls):0} (pace {pace:0.0}); " +
            $"{slow} of {seconds.Count} s below 0.9 × pace; {waited.Count} s with callers waiting at the budget ({Mean(waited):0.0} calls/s), " +
            $"{idle.Count} s with none ({Mean(idle):0.0} calls/s); slots granted {seconds.Sum(static s => s.Granted):N0} for {seconds.Sum(static s => s.Calls):N0} Reviews API calls");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task LoopAsync(IClusterClient client, AccEmulator emulator, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Every);
        do
        {
            var calls = emulator.GetStats().Total;
            var (granted, waiting) = await BudgetAsync(client, cancellationToken);
            _samples.Add(new Sample(calls, granted, waiting));
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    /// <summary>The Reviews API family of every credential's budget: slots granted so far, callers waiting now.</summary>
    private static async Task<(long Granted, int Waiting)> BudgetAsync(IClusterClient client, CancellationToken cancellationToken)
    {
        var (granted, waiting) = (0L, 0);
        foreach (var credential in await client.GetGrain<IRateBudgetRegistryGrain>(0).ListAsync(cancellationToken))
        {
            var stats = await client.GetGrain<IRateBudgetGrain>(credential).GetStatsAsync(cancellationToken);
            foreach (var family in stats.Families.Where(static f => f.Family == "reviews"))
            {
                granted += family.Granted;
                waiting += family.Waiting;
            }
        }

        return (granted, waiting);
    }

    private static double Percentile(List<Second> seconds, double share)
    {
        var sorted = seconds.Select(static s => s.Calls).Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(share * sorted.Count))];
    }

    private static double Mean(List<Second> seconds) => seconds.Count == 0 ? 0 : seconds.Average(static s => s.Calls);

    private sealed record class Sample(long Calls, long Granted, int Waiting);

    private sealed record class Second(long Calls, long Granted, bool Waiting);
}
