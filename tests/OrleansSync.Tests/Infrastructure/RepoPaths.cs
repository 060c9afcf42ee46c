using System.Reflection;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>Where the built silo and CLI are: the same configuration the tests were built in.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    private static string Configuration { get; } =
        typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string SiloDll => Path.Combine(Root, "silo", "OrleansSync.Silo", "bin", Configuration, "net10.0", "OrleansSync.Silo.dll");

    public static string ClientDll => Path.Combine(Root, "client", "OrleansSync.Client", "bin", Configuration, "net10.0", "orleanssync.dll");

    public static string BenchmarksDll => Path.Combine(Root, "tests", "OrleansSync.Benchmarks", "bin", Configuration, "net10.0", "OrleansSync.Benchmarks.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansSync.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No OrleansSync.sln above {AppContext.BaseDirectory}.");
    }
}
