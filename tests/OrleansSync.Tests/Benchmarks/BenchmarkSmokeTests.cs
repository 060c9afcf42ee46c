using System.Text.Json;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Benchmarks;

/// <summary>
/// The benchmarks' <c>--quick</c> variants as CI smoke checks: each scenario runs as a process and prints a result
/// with its figures and Markdown row. No timing is asserted, only what must hold at any speed.
/// </summary>
public sealed class BenchmarkSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Progress_Quick_PrintsResultWithEveryReportCountedAndSampled()
    {
        var (root, stdout) = await RunQuickAsync("progress", TestContext.Current.CancellationToken);

        var figures = root.GetProperty("figures");
        var updates = figures.GetProperty("updates").GetDouble();
        Assert.Equal(20 * 100, updates);
        Assert.Equal(updates, figures.GetProperty("updatesReceived").GetDouble());
        // Every report's staleness is sampled once; the last report of each of the 20 tasks is terminal and written.
        Assert.Equal(updates, figures.GetProperty("stalenessSamples").GetDouble());
        Assert.InRange(figures.GetProperty("rows").GetDouble(), 20, updates);
        Assert.InRange(figures.GetProperty("statements").GetDouble(), 1, figures.GetProperty("rows").GetDouble());
        foreach (var name in new[] { "updatesPerSecond", "stalenessP50Seconds", "stalenessP99Seconds", "stalenessMaxSeconds" })
        {
            Assert.True(figures.GetProperty(name).GetDouble() is > 0 and < double.PositiveInfinity, $"{name} is a positive number");
        }

        Assert.Equal(
            ["updatesPerSecond", "rows", "stalenessP99Seconds"],
            root.GetProperty("targets").EnumerateArray().Select(static t => t.GetProperty("figure").GetString()));
        Assert.Contains(stdout.Split('\n'), static l => l.StartsWith("| progress (quick) | 20 tasks × 100 updates", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Micro_Quick_PrintsResultWithBothHotPaths()
    {
        var (root, stdout) = await RunQuickAsync("micro", TestContext.Current.CancellationToken);

        var figures = root.GetProperty("figures");
        foreach (var benchmark in new[] { "mapReviewPage", "buildReviewUpsert" })
        {
            Assert.True(figures.GetProperty($"{benchmark}Nanoseconds").GetDouble() > 0, $"{benchmark} was timed");
            Assert.True(figures.GetProperty($"{benchmark}AllocatedBytes").GetDouble() >= 0, $"{benchmark}'s allocations were counted");
        }

        Assert.Equal(50, root.GetProperty("setup").GetProperty("reviewsPerPage").GetInt32());
        Assert.Contains(stdout.Split('\n'), static l => l.StartsWith("| micro (quick) |", StringComparison.Ordinal));
    }

    private async Task<(JsonElement Root, string StdOut)> RunQuickAsync(string scenario, CancellationToken cancellationToken)
    {
        var result = await Infrastructure.Cli.RunDotnetAsync(
            RepoPaths.BenchmarksDll, new Dictionary<string, string>(), Path.GetTempPath(), cancellationToken, scenario, "--quick");
        var text = result.StdOut;
        output.WriteLine(text);
        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}: {result.StdErr}");
        // One line of JSON among BenchmarkDotNet's and the runner's other output.
        var json = text.Split('\n').Select(static l => l.Trim()).SingleOrDefault(static l => l.StartsWith("{\"scenario\":", StringComparison.Ordinal));
        Assert.True(json is not null, $"no JSON result line in:\n{text}");
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement.Clone();
        Assert.Equal(scenario, root.GetProperty("scenario").GetString());
        Assert.True(root.GetProperty("quick").GetBoolean());
        return (root, text);
    }
}
