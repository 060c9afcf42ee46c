using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansSync.Benchmarks.Runner;

/// <summary>
/// What a scenario prints: one JSON document (one line, so a script or test can pick it out of other output) and one
/// Markdown row for the README's results table.
/// </summary>
/// <param name="Scenario">The scenario's name.</param>
/// <param name="Quick">Whether this was the CI smoke variant.</param>
/// <param name="Setup">The sizes and settings it ran with, as shown in the row's setup column.</param>
/// <param name="SetupText">A short human summary of <paramref name="Setup"/>.</param>
/// <param name="Figures">What it measured, by a camelCase name that carries the unit (e.g. <c>stalenessP99Seconds</c>).</param>
/// <param name="FiguresText">A short human summary of <paramref name="Figures"/>.</param>
/// <param name="Targets">The issue's targets checked against the figures.</param>
/// <param name="Notes">Method and caveats: how a figure was measured.</param>
public sealed record class ScenarioResult(
    string Scenario,
    bool Quick,
    IReadOnlyDictionary<string, object> Setup,
    string SetupText,
    IReadOnlyDictionary<string, double> Figures,
    string FiguresText,
    IReadOnlyList<Target> Targets,
    IReadOnlyList<string> Notes)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // Read by people and scripts, never embedded in HTML: keep ">=" and "×" as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            scenario = Scenario,
            quick = Quick,
            machine = new
            {
                processors = Environment.ProcessorCount,
                os = RuntimeInformation.OSDescription,
                runtime = RuntimeInformation.FrameworkDescription,
            },
            at = DateTimeOffset.UtcNow,
            setup = Setup,
            figures = Figures,
            targets = Targets.Select(static t => new { figure = t.Figure, comparison = t.Comparison, bound = t.Bound, actual = t.Actual, met = t.Met, missRatio = t.MissRatio }),
            allTargetsMet = Targets.All(static t => t.Met),
            notes = Notes,
        },
        JsonOptions);

    public const string MarkdownHeader = "| scenario | setup | figures | targets |\n|---|---|---|---|";

    /// <summary>The row: scenario (with "quick" when it was), setup, figures, and each target as met or missed (a quick run is no measurement).</summary>
    public string ToMarkdownRow()
    {
        var targets = Targets.Count == 0 ? "none set"
            : Quick ? "not judged (quick)"
            : string.Join("; ", Targets.Select(static t => t.Met
                ? $"{t.Figure} {t.Comparison} {Target.Format(t.Bound)}: met"
                : $"{t.Figure} {t.Comparison} {Target.Format(t.Bound)}: **missed** ({t.MissRatio:P0})"));
        return $"| {Scenario}{(Quick ? " (quick)" : string.Empty)} | {SetupText} | {FiguresText} | {targets} |";
    }
}
