using System.Reflection;

namespace OrleansSync.Benchmarks.Hosting;

/// <summary>Where the built silo is: the configuration this runner was built in (the project reference builds it first).</summary>
public static class RepoPaths
{
    private static string Configuration { get; } =
        typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    public static string SiloDll { get; } = Path.Combine(FindRoot(), "silo", "OrleansSync.Silo", "bin", Configuration, "net10.0", "OrleansSync.Silo.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansSync.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No OrleansSync.sln above {AppContext.BaseDirectory}: run the benchmarks from a clone of the repository.");
    }
}
