using System.Globalization;

namespace OrleansSync.Benchmarks.Runner;

/// <summary>A figure held against a bound from the issue's targets, e.g. updates/s ≥ 50,000.</summary>
/// <param name="Figure">The key of the figure in <see cref="ScenarioResult.Figures"/>.</param>
/// <param name="AtLeast">True for "≥ bound", false for "≤ bound".</param>
/// <param name="Bound">The target.</param>
/// <param name="Actual">The measured value.</param>
public sealed record class Target(string Figure, bool AtLeast, double Bound, double Actual)
{
    public bool Met => AtLeast ? Actual >= Bound : Actual <= Bound;

    public string Comparison => AtLeast ? ">=" : "<=";

    /// <summary>By how much it missed, as a share of the bound (0 when met).</summary>
    public double MissRatio => Met || Bound == 0 ? 0 : Math.Abs(Actual - Bound) / Bound;

    /// <summary>e.g. "updatesPerSecond 41,200 >= 50,000: missed by 8,800 (17.6%)".</summary>
    public string Describe()
    {
        var text = $"{Figure} {Format(Actual)} {Comparison} {Format(Bound)}";
        return Met ? $"{text}: met" : $"{text}: missed by {Format(Math.Abs(Actual - Bound))} ({MissRatio.ToString("P1", CultureInfo.InvariantCulture)})";
    }

    public static string Format(double value) =>
        Math.Abs(value) >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);
}
