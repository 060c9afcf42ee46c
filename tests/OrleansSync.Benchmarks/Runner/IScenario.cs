namespace OrleansSync.Benchmarks.Runner;

/// <summary>
/// One benchmark scenario. The runner finds every non-abstract implementation in this assembly (it needs a public
/// parameterless constructor), so adding a scenario is adding one class.
/// </summary>
public interface IScenario
{
    /// <summary>The command-line name, e.g. <c>progress</c>.</summary>
    string Name { get; }

    /// <summary>One line for <c>--help</c>: what it measures and against which target.</summary>
    string Description { get; }

    /// <summary>Runs the scenario once; <paramref name="quick"/> is the CI smoke variant (small, no timing claims).</summary>
    Task<ScenarioResult> RunAsync(bool quick, CancellationToken cancellationToken);
}
