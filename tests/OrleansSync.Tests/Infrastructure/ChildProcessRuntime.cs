using System.Diagnostics;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>
/// Runtime settings for the .NET processes tests start (silos, the CLI, the benchmarks). Each lives seconds, so the
/// JIT's tier-up (call counting, PGO instrumentation, compiling hot methods again) costs more CPU than it saves: with
/// it off, a silo's start and first 20 seconds took about 4 CPU-seconds instead of 6 to 7.5, and a CLI command 1.2
/// instead of 1.6. On two cores that CPU is what bounds the suite's time. A test's own setting wins; production silos
/// keep the runtime's defaults.
/// </summary>
internal static class ChildProcessRuntime
{
    private static readonly KeyValuePair<string, string>[] Settings =
    [
        new("DOTNET_TieredPGO", "0"),
        new("DOTNET_TC_CallCounting", "0"),
    ];

    public static void Apply(ProcessStartInfo start)
    {
        foreach (var (key, value) in Settings)
        {
            start.Environment.TryAdd(key, value);
        }
    }
}
