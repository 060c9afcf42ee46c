using System.Text.Json;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Benchmarks;

/// <summary>
/// The benchmarks' <c>--quick</c> variants as CI smoke checks: every scenario runs in one benchmark process (the
/// <c>all</c> command, once for the class), each printing a result with its figures and Markdown row. No timing is
/// asserted, only what must hold at any speed.
/// </summary>
public sealed class BenchmarkSmokeTests(BenchmarkSmokeTests.QuickRun run, ITestOutputHelper output) : IClassFixture<BenchmarkSmokeTests.QuickRun>
{
    [Fact]
    public async Task Progress_Quick_PrintsResultWithEveryReportCountedAndSampled()
    {
        var (root, stdout) = await RunQuickAsync("progress", TestContext.Current.CancellationToken);

        var figures = root.GetProperty("figures");
        var updates = figures.GetProperty("updates").GetDouble();
        // What the writers received, counted on their side, against what the tasks sent.
        Assert.Equal(updates, figures.GetProperty("updatesReceived").GetDouble());
        // Every report's staleness is sampled once; the last report of each of the 20 tasks is terminal and written.
        Assert.Equal(updates, figures.GetProperty("stalenessSamples").GetDouble());
        Assert.InRange(figures.GetProperty("rows").GetDouble(), 20, updates);
        Assert.InRange(figures.GetProperty("statements").GetDouble(), 1, figures.GetProperty("rows").GetDouble());
        foreach (var name in new[] { "updatesPerSecond", "stalenessP50Seconds", "stalenessP99Seconds", "stalenessMaxSeconds" })
        {
            Assert.True(figures.GetProperty(name).GetDouble() is > 0 and < double.PositiveInfinity, $"{name} is a positive number");
        }

        Assert.Contains(stdout.Split('\n'), static l => l.StartsWith("| progress (quick) |", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Micro_Quick_PrintsResultWithBothHotPaths()
    {
        var (root, stdout) = await RunQuickAsync("micro", TestContext.Current.CancellationToken);

        var figures = root.GetProperty("figures");
        foreach (var benchmark in new[] { "mapReviewPage", "buildReviewUpsert" })
        {
            Assert.True(figures.GetProperty($"{benchmark}Nanoseconds").GetDouble() > 0, $"{benchmark} was timed");
            // Both build objects from a page of 50 reviews: a measured allocation of nothing would be a broken diagnoser.
            Assert.True(figures.GetProperty($"{benchmark}AllocatedBytes").GetDouble() > 0, $"{benchmark}'s allocations were measured");
        }

        Assert.Contains(stdout.Split('\n'), static l => l.StartsWith("| micro (quick) |", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ingest_Quick_PrintsResultWithExactMirrorAndCopyOfTheSameRows()
    {
        var (root, stdout) = await RunQuickAsync("ingest", TestContext.Current.CancellationToken);

        var figures = root.GetProperty("figures");
        var records = figures.GetProperty("records").GetDouble();
        // 1 project × 100 reviews with 3 versions and 3 progress steps each, and 5 workflows.
        Assert.Equal(100 + 5 + 300 + 300, records);
        Assert.Equal(1, figures.GetProperty("mirrorExact").GetDouble());
        Assert.Equal(records, figures.GetProperty("copyRows").GetDouble());
        foreach (var name in new[] { "recordsPerSecond", "copyRowsPerSecond", "ratioToCopy", "taskSeconds", "upstreamSeconds", "postgresActiveSeconds" })
        {
            Assert.True(figures.GetProperty(name).GetDouble() is > 0 and < double.PositiveInfinity, $"{name} is a positive number");
        }

        Assert.True(figures.GetProperty("upstreamAttempts").GetDouble() >= 200 + 4, "every child call and list page was timed");
        Assert.Contains(stdout.Split('\n'), static l => l.StartsWith("| ingest (quick) |", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RateLimited_Quick_PrintsResultWithCallsAgainstMinimal()
    {
        var (root, stdout) = await RunQuickAsync("rate-limited", TestContext.Current.CancellationToken);

        var figures = root.GetProperty("figures");
        Assert.Equal(1, figures.GetProperty("generousMirrorExact").GetDouble());
        // 60 reviews: lists and 2 children each, plus a token; the sync may make more calls (429s, retries), never fewer.
        var minimal = figures.GetProperty("generousMinimalCalls").GetDouble();
        Assert.True(minimal > 2 * 60, $"minimal calls {minimal} count both children of every review");
        Assert.True(figures.GetProperty("generousCalls").GetDouble() >= minimal, "no sync makes fewer calls than the minimum");
        Assert.Contains(stdout.Split('\n'), static l => l.StartsWith("| rate-limited (quick) |", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failover_Quick_PrintsResultWithResumedTasksAndExactMirror()
    {
        var (root, stdout) = await RunQuickAsync("failover", TestContext.Current.CancellationToken);

        var figures = root.GetProperty("figures");
        Assert.True(figures.GetProperty("interruptedTasks").GetDouble() >= 1, "the killed silo was running a task");
        Assert.Equal(figures.GetProperty("runs").GetDouble(), figures.GetProperty("runsSucceeded").GetDouble());
        Assert.Equal(1, figures.GetProperty("mirrorExact").GetDouble());
        var (first, all) = (figures.GetProperty("killToFirstResumedSeconds").GetDouble(), figures.GetProperty("killToAllResumedSeconds").GetDouble());
        Assert.InRange(first, 0, all);
        Assert.True(figures.GetProperty("declaredDeadSeconds").GetDouble() > 0);
        Assert.Contains(stdout.Split('\n'), static l => l.StartsWith("| failover (quick) |", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scheduler_Quick_PrintsResultWithEveryTickAndBothSilos()
    {
        var (root, stdout) = await RunQuickAsync("scheduler", TestContext.Current.CancellationToken);

        var figures = root.GetProperty("figures");
        Assert.Equal(1, figures.GetProperty("allTicksSeen").GetDouble());
        Assert.Equal(figures.GetProperty("ticksExpected").GetDouble(), figures.GetProperty("ticks").GetDouble());
        // Delays are measured over ticks whose run started; a skipped tick has no start and is counted apart.
        Assert.Equal(figures.GetProperty("ticks").GetDouble(), figures.GetProperty("startedTicks").GetDouble() + figures.GetProperty("skippedTicks").GetDouble());
        Assert.True(figures.GetProperty("startedTicks").GetDouble() > 0, "no tick's run started");
        // Both silos ran tasks, and at least one per project (its run at once).
        Assert.True(figures.GetProperty("tasksPerSiloMin").GetDouble() > 0, "every silo ran tasks");
        Assert.True(figures.GetProperty("tasks").GetDouble() >= 150);
        Assert.True(figures.GetProperty("idleProjectActivations").GetDouble() >= 100, "the idle projects were activated and counted");
        Assert.True(figures.GetProperty("idleProjectGrainKb").GetDouble() > 0);
        Assert.Contains(stdout.Split('\n'), static l => l.StartsWith("| scheduler (quick) |", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Api_Quick_PrintsResultWithEveryEventToEachSubscriberAndEveryReadAnswered()
    {
        var (root, stdout) = await RunQuickAsync("api", TestContext.Current.CancellationToken);

        var figures = root.GetProperty("figures");
        var subscribers = root.GetProperty("setup").GetProperty("subscribers").GetDouble();
        Assert.True(figures.GetProperty("events").GetDouble() > 0, "the runs raised events");
        Assert.Equal(0, figures.GetProperty("subscribersMissingEvents").GetDouble());
        // Each subscriber measured every progress event it got: at least one each.
        Assert.True(figures.GetProperty("progressDeliveries").GetDouble() >= subscribers, "every subscriber got progress events");
        Assert.Equal(0, figures.GetProperty("readErrors").GetDouble());
        Assert.Contains(stdout.Split('\n'), static l => l.StartsWith("| api (quick) |", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PgSnapshot_Quick_PrintsResultWithEveryRowReadOnceAndTheMirrorExact()
    {
        var (root, stdout) = await RunQuickAsync("pg-snapshot", TestContext.Current.CancellationToken);

        var figures = root.GetProperty("figures");
        var rows = root.GetProperty("setup").GetProperty("rows").GetDouble();
        Assert.Equal(rows, figures.GetProperty("rowsRead").GetDouble());
        Assert.Equal(1, figures.GetProperty("mirrorExact").GetDouble());
        foreach (var name in new[] { "elapsedSeconds", "copySeconds", "ratioToCopy" })
        {
            Assert.True(figures.GetProperty(name).GetDouble() is > 0 and < double.PositiveInfinity, $"{name} is a positive number");
        }

        Assert.Contains(stdout.Split('\n'), static l => l.StartsWith("| pg-snapshot (quick) |", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PgCdc_Quick_PrintsResultWithChangesFlowingAfterTheKillAndTheMirrorExact()
    {
        var (root, stdout) = await RunQuickAsync("pg-cdc", TestContext.Current.CancellationToken);

        var figures = root.GetProperty("figures");
        Assert.Equal(1, figures.GetProperty("mirrorExact").GetDouble());
        // A change written after the kill reached the mirror, through the task on the silo that was not killed.
        Assert.True(figures.GetProperty("killToFlowSeconds").GetDouble() is > 0 and < double.PositiveInfinity, "changes flowed after the kill");
        Assert.Equal(1, figures.GetProperty("taskMovedOffVictim").GetDouble());
        Assert.Contains(stdout.Split('\n'), static l => l.StartsWith("| pg-cdc (quick) |", StringComparison.Ordinal));
    }

    private Task<(JsonElement Root, string StdOut)> RunQuickAsync(string scenario, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = run.Result;
        output.WriteLine(result.StdOut);
        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}: {result.StdErr}");
        // One line of JSON per scenario among BenchmarkDotNet's and the runner's other output.
        var json = result.StdOut.Split('\n').Select(static l => l.Trim())
            .SingleOrDefault(l => l.StartsWith($"{{\"scenario\":\"{scenario}\"", StringComparison.Ordinal));
        Assert.True(json is not null, $"no JSON result line for {scenario} in:\n{result.StdOut}");
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement.Clone();
        Assert.Equal(scenario, root.GetProperty("scenario").GetString());
        Assert.True(root.GetProperty("quick").GetBoolean());
        return Task.FromResult((root, result.StdOut));
    }

    /// <summary>The one benchmark process that runs every quick scenario, shared by the tests of this class.</summary>
    public sealed class QuickRun : IAsyncLifetime
    {
        public Infrastructure.Cli.Result Result { get; private set; } = null!;

        public async ValueTask InitializeAsync() => Result = await Infrastructure.Cli.RunDotnetAsync(
            RepoPaths.BenchmarksDll, new Dictionary<string, string>(), Path.GetTempPath(), TimeSpan.FromMinutes(15), TestContext.Current.CancellationToken, "all", "--quick");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
