using System.Diagnostics;
using System.Globalization;
using OrleansSync.Benchmarks.Hosting;
using OrleansSync.Benchmarks.Runner;

namespace OrleansSync.Benchmarks.PgCdc;

/// <summary>
/// <c>pg-cdc</c>: a <c>--source postgres --mode cdc</c> project captures one table on two silo processes. A burst of
/// inserts committed as fast as one writer can: changes applied a second (target at least 20,000). Then 5,000 changes
/// a second offered, paced: the lag of each from its commit to a poll of the mirror seeing it (target p99 at most 1 s).
/// Then a SIGKILL of the silo streaming it while changes go on: the time until the first change committed after the
/// kill shows in the mirror (target at most 30 s), and the mirror exact against the source at the end.
/// </summary>
public sealed class PgCdcScenario : IScenario
{
    private const int InitialRows = 1_000;
    private const int BurstPerTransaction = 1_000;

    public string Name => "pg-cdc";

    public string Description =>
        "Change capture of a PostgreSQL table on 2 silo processes: a burst of 300,000 inserts (>= 20,000 changes/s applied), " +
        "5,000 changes/s paced for 30 s (lag p99 <= 1 s), SIGKILL of the streaming silo (changes flow again <= 30 s), mirror exact.";

    public async Task<ScenarioResult> RunAsync(bool quick, CancellationToken cancellationToken)
    {
        var (warmUp, burst, pacedRate, pacedSeconds, killRate) = quick ? (1_000, 5_000, 1_000, 2, 500) : (100_000, 300_000, 5_000, 30, 1_000);
        var environment = new Dictionary<string, string?> { ["OrleansSync__RateBudget__Enabled"] = "false" };
        if (quick)
        {
            // As failover's quick run: a short watchdog, should the dead silo's wake be missed, keeps CI short.
            environment["OrleansSync__Tasks__WatchdogPeriod"] = "00:00:03";
        }

        await using var setup = await CdcSetup.StartAsync(InitialRows, environment, cancellationToken);
        var (writer, watch) = (setup.Writer, setup.Watch);
        // Warm-up: a burst through the stream and the apply path first, so what is measured runs on code the JIT has
        // tiered up (a silo freshly started spends half its CPU compiling for its first minute of changes), and pools.
        await writer.BurstAsync(warmUp, BurstPerTransaction, cancellationToken);
        await watch.WaitSeenAsync(writer.LastSeq, TimeSpan.FromMinutes(10), cancellationToken);

        var applied = await BurstAsync(setup, burst, cancellationToken);
        var lag = await PacedAsync(setup, pacedRate, TimeSpan.FromSeconds(pacedSeconds), cancellationToken);
        await writer.UpdateAndDeleteAsync(cancellationToken);
        var kill = await KillAsync(setup, killRate, cancellationToken);
        var exact = await setup.MirrorExactAsync(cancellationToken);

        return new ScenarioResult(
            Name,
            quick,
            new Dictionary<string, object> { ["silos"] = 2, ["warmUpChanges"] = warmUp, ["burstChanges"] = burst, ["pacedPerSecond"] = pacedRate, ["pacedSeconds"] = pacedSeconds, ["killPerSecond"] = killRate },
            $"1 table (bigint key, timestamptz, text, integer), --mode cdc, 2 silo processes; burst of {burst:N0} inserts ({BurstPerTransaction:N0} a transaction) after {warmUp:N0} of warm-up, " +
            $"{pacedRate:N0}/s paced for {pacedSeconds} s, SIGKILL of the streaming silo under {killRate:N0}/s; source on a server of its own, mirror on the shared one",
            new Dictionary<string, double>
            {
                ["burstChanges"] = burst,
                ["burstWriteSeconds"] = applied.WriteSeconds,
                ["burstWrittenPerSecond"] = burst / applied.WriteSeconds,
                ["burstAppliedSeconds"] = applied.Seconds,
                ["appliedPerSecond"] = burst / applied.Seconds,
                ["burstBatches"] = applied.Batches,
                ["burstMeanBatchChanges"] = applied.Batches == 0 ? 0 : applied.ChangesRead / applied.Batches,
                ["burstSiloCores"] = applied.Cores.Processes,
                ["burstPostgresCores"] = applied.Cores.Postgres,
                ["burstMachineCores"] = applied.Cores.Machine,
                ["pacedChanges"] = lag.Changes,
                ["pacedOfferedPerSecond"] = lag.Changes / pacedSeconds,
                ["lagP50Seconds"] = lag.P50,
                ["lagP99Seconds"] = lag.P99,
                ["lagMaxSeconds"] = lag.Max,
                ["killToFlowSeconds"] = kill.FlowSeconds,
                ["taskMovedOffVictim"] = kill.Moved ? 1 : 0,
                ["changesWritten"] = writer.LastSeq,
                ["mirrorExact"] = exact ? 1 : 0,
            },
            string.Create(
                CultureInfo.InvariantCulture,
                $"burst: {burst / applied.Seconds:N0} changes/s applied ({burst:N0} in {applied.Seconds:0.0} s; written in {applied.WriteSeconds:0.0} s), " +
                $"{applied.Batches:N0} batches of {(applied.Batches == 0 ? 0 : applied.ChangesRead / applied.Batches):N0} on average, silos {applied.Cores.Processes:0.00} cores, " +
                $"postgres {applied.Cores.Postgres:0.00}, machine {applied.Cores.Machine:0.00} of {Environment.ProcessorCount}; " +
                $"paced {lag.Changes / pacedSeconds:N0}/s: lag p50 {lag.P50:0.000} s, p99 {lag.P99:0.000} s, max {lag.Max:0.000} s; " +
                $"kill: changes flowed again {kill.FlowSeconds:0.0} s after it{(kill.Moved ? " on the other silo" : "")}; mirror {(exact ? "exact" : "NOT exact")} ({writer.LastSeq:N0} rows written)"),
            quick
                ? []
                :
                [
                    new Target("appliedPerSecond", AtLeast: true, 20_000, burst / applied.Seconds),
                    new Target("lagP99Seconds", AtLeast: false, 1, lag.P99),
                    new Target("killToFlowSeconds", AtLeast: false, 30, kill.FlowSeconds),
                    new Target("mirrorExact", AtLeast: true, 1, exact ? 1 : 0),
                ],
            [
                "clock: every time is this machine's; the writer stamps each row's written_at with the moment it sends its transaction (at or before the commit), and keeps each commit's return; a poll of the mirror's max(seq), every 50 ms on a connection of its own, is stamped when it returns (an upper bound, one poll coarse). The writer's seq grows with each commit and the mirror applies commits in order.",
                "applied: burst changes / (the first poll holding the burst's last seq − the return of its first commit). Batches and their mean: the task's pages and records read over the burst (each batch lands in one mirror transaction). Cores: CPU time from /proc over the burst's write and apply, of both silo processes, of every postgres process on the machine (both servers), and of the whole machine.",
                "lag: for each paced change, the first poll holding its transaction's last seq − its written_at; percentiles over changes.",
                "kill: the paced writer goes on through a SIGKILL of the silo the task grain names; flow = the first poll holding the first row written after the kill − the kill. The benchmark calls no grain in between. Before the kill, one transaction updated every 10th row and deleted every 97th.",
                "exact: an md5 of every row's text, in key order, on both sides, once the mirror holds the last seq written.",
                .. quick ? [$"quick: {burst:N0} changes, {pacedRate:N0}/s for {pacedSeconds} s, a 3 s watchdog; no measurement, no targets."] : Array.Empty<string>(),
            ]);
    }

    private static async Task<BurstApplied> BurstAsync(CdcSetup setup, int changes, CancellationToken cancellationToken)
    {
        var (writer, watch) = (setup.Writer, setup.Watch);
        var before = (await setup.CaptureTask.GetAsync(cancellationToken))!.Progress;
        var silos = setup.Cluster.Silos.Select(static s => s.ProcessId).ToList();
        var cpu = CpuTime.Read(silos);
        var from = writer.LastSeq;
        var clock = Stopwatch.StartNew();
        await writer.BurstAsync(changes, BurstPerTransaction, cancellationToken);
        var writeSeconds = clock.Elapsed.TotalSeconds;
        var first = writer.Commits(c => c.FirstSeq > from)[0];
        var all = await watch.WaitSeenAsync(writer.LastSeq, TimeSpan.FromMinutes(15), cancellationToken);
        var cores = CpuTime.Read(silos).CoresSince(cpu);
        var after = (await setup.CaptureTask.GetAsync(cancellationToken))!.Progress;
        return new BurstApplied((all - first.CommittedAt).TotalSeconds, writeSeconds, after.Pages - before.Pages, after.RecordsRead - before.RecordsRead, cores);
    }

    private static async Task<PacedLag> PacedAsync(CdcSetup setup, int perSecond, TimeSpan duration, CancellationToken cancellationToken)
    {
        var (writer, watch) = (setup.Writer, setup.Watch);
        var from = writer.LastSeq;
        await writer.PacedAsync(perSecond, duration, cancellationToken);
        await watch.WaitSeenAsync(writer.LastSeq, TimeSpan.FromMinutes(5), cancellationToken);
        var lags = new List<double>();
        foreach (var commit in writer.Commits(c => c.FirstSeq > from))
        {
            var lag = (watch.SeenAt(commit.LastSeq)!.Value - commit.WrittenAt).TotalSeconds;
            lags.AddRange(Enumerable.Repeat(lag, (int)commit.Rows));
        }

        return new PacedLag(lags.Count, Syncs.Percentile(lags, 50), Syncs.Percentile(lags, 99), lags.Max());
    }

    private static async Task<KillFlow> KillAsync(CdcSetup setup, int perSecond, CancellationToken cancellationToken)
    {
        var (writer, watch) = (setup.Writer, setup.Watch);
        var victim = await setup.TaskSiloAsync(cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var from = writer.LastSeq;
        var writing = writer.PacedAsync(perSecond, TimeSpan.FromMinutes(15), stop.Token);
        try
        {
            // Killed while it streams: a second of the paced changes seen in the mirror first.
            await Poll.UntilAsync(() => Task.FromResult(writer.LastSeq >= from + perSecond), TimeSpan.FromMinutes(1), "a second of paced changes written", cancellationToken);
            await watch.WaitSeenAsync(from + perSecond, TimeSpan.FromMinutes(1), cancellationToken);
            await victim.KillAsync();
            var killedAt = DateTimeOffset.UtcNow;
            var firstAfter = await Poll.UntilAsync(
                () => Task.FromResult(writer.Commits(c => c.WrittenAt >= killedAt).FirstOrDefault()),
                TimeSpan.FromMinutes(1),
                "a change written after the kill",
                cancellationToken,
                TimeSpan.FromMilliseconds(10));
            var flowed = await watch.WaitSeenAsync(firstAfter.FirstSeq, TimeSpan.FromMinutes(5), cancellationToken);
            // Two more seconds of changes after the flow resumed, then the writer stops and the mirror catches up.
            var more = writer.LastSeq + 2 * perSecond;
            await Poll.UntilAsync(() => Task.FromResult(writer.LastSeq >= more), TimeSpan.FromMinutes(1), "two more seconds of paced changes written", cancellationToken);
            await stop.CancelAsync();
            await writing;
            await watch.WaitSeenAsync(writer.LastSeq, TimeSpan.FromMinutes(5), cancellationToken);
            var moved = (await setup.CaptureTask.GetAsync(cancellationToken))?.Silo is { } silo && silo != victim.Name;
            return new KillFlow((flowed - killedAt).TotalSeconds, moved);
        }
        finally
        {
            await stop.CancelAsync();
            await writing;
        }
    }

    private sealed record class BurstApplied(double Seconds, double WriteSeconds, long Batches, long ChangesRead, (double Processes, double Postgres, double Machine) Cores);

    private sealed record class PacedLag(long Changes, double P50, double P99, double Max);

    private sealed record class KillFlow(double FlowSeconds, bool Moved);
}
