using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using OrleansSync.Benchmarks.Runner;

namespace OrleansSync.Benchmarks.Micro;

/// <summary>
/// <c>micro</c>: BenchmarkDotNet on the mirror's hot paths (<see cref="MirrorBenchmarks"/>), its own report on the
/// console, then the summary. In process (<see cref="InProcessEmitToolchain"/>): BenchmarkDotNet's default toolchain
/// generates and builds a project under bin/, inside this repository, where Directory.Build.props (warnings as errors)
/// and central package management apply to it; in process also starts in seconds on a 2-core machine.
/// </summary>
public sealed class MicroScenario : IScenario
{
    public string Name => "micro";

    public string Description =>
        "BenchmarkDotNet micro-benchmarks of the hot paths: mapping a page of 50 reviews (ReviewRecords.Map via PageMapper) " +
        "and building its upsert (ReviewTable.Upsert). --quick runs a dry job (one cold invocation each).";

    public Task<ScenarioResult> RunAsync(bool quick, CancellationToken cancellationToken)
    {
        var job = (quick ? Job.Dry : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(ConsoleLogger.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "orleanssync-benchmarks"))
            // A dry run times nothing, so an unoptimised (Debug) build may smoke-test too.
            .WithOptions(quick ? ConfigOptions.DisableOptimizationsValidator : ConfigOptions.Default);
        var summary = BenchmarkRunner.Run<MirrorBenchmarks>(config);
        cancellationToken.ThrowIfCancellationRequested();

        var figures = new Dictionary<string, double>();
        var texts = new List<string>();
        foreach (var report in summary.Reports)
        {
            var name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            var mean = report.ResultStatistics?.Mean
                ?? throw new InvalidOperationException($"{name} produced no measurement: {summary.ValidationErrors.FirstOrDefault()?.Message ?? "see BenchmarkDotNet's log above"}");
            var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0;
            var key = char.ToLowerInvariant(name[0]) + name[1..];
            figures[$"{key}Nanoseconds"] = mean;
            figures[$"{key}PerReviewNanoseconds"] = mean / ReviewPage.Size;
            figures[$"{key}AllocatedBytes"] = allocated;
            texts.Add($"{name} {mean / 1000:0.0} µs ({mean / ReviewPage.Size / 1000:0.00} µs/review, {allocated / 1024.0:0.0} KB)");
        }

        if (summary.Reports.Length == 0)
        {
            throw new InvalidOperationException($"BenchmarkDotNet ran nothing: {string.Join("; ", summary.ValidationErrors.Select(static e => e.Message))}");
        }

        return Task.FromResult(new ScenarioResult(
            Name,
            quick,
            new Dictionary<string, object>
            {
                ["reviewsPerPage"] = ReviewPage.Size,
                ["job"] = quick ? "Dry" : "Default",
                ["toolchain"] = "InProcessEmit",
            },
            $"a page of {ReviewPage.Size} emulator reviews, BenchmarkDotNet {(quick ? "dry" : "default")} job, in process",
            figures,
            string.Join("; ", texts),
            [],
            [
                "means of BenchmarkDotNet's runs; allocated is per operation (MemoryDiagnoser). The issue sets no target for these.",
                .. quick ? ["quick: one cold invocation per benchmark, no measurement."] : Array.Empty<string>(),
            ]));
    }
}
