using System.Text.Json;

namespace OrleansSync.Emulator.Faults;

/// <summary>The JSON names of hostile targets and kinds (camelCase of the C# names) and the rule's wire shape.</summary>
internal static class HostileNames
{
    private static readonly Dictionary<string, HostileTarget> Targets = Enum.GetValues<HostileTarget>().ToDictionary(Of, StringComparer.Ordinal);
    private static readonly Dictionary<string, HostileKind> Kinds = Enum.GetValues<HostileKind>().ToDictionary(Of, StringComparer.Ordinal);

    public static string Of(HostileTarget target) => JsonNamingPolicy.CamelCase.ConvertName(target.ToString());

    public static string Of(HostileKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    public static HostileRuleJson ToJson(HostileRule rule) => new()
    {
        Target = Of(rule.Target),
        Kind = Of(rule.Kind),
        ReviewId = rule.ReviewId,
        Times = rule.Times,
        Query = rule.Query,
    };

    /// <summary>The rule, or null with the problems added to <paramref name="errors"/>.</summary>
    public static HostileRule? Parse(HostileRuleJson? json, int index, List<string> errors)
    {
        var prefix = $"hostile[{index}]: ";
        if (json is null)
        {
            errors.Add(prefix + "must be an object");
            return null;
        }

        var ok = true;
        if (json.Target is null || !Targets.TryGetValue(json.Target, out var target))
        {
            errors.Add($"{prefix}target must be one of {string.Join(", ", Targets.Keys)}");
            target = default;
            ok = false;
        }

        if (json.Kind is null || !Kinds.TryGetValue(json.Kind, out var kind))
        {
            errors.Add($"{prefix}kind must be one of {string.Join(", ", Kinds.Keys)}");
            kind = default;
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        var rule = new HostileRule(target, kind, json.ReviewId, json.Times, json.Query);
        var problems = rule.Validate().ToList();
        errors.AddRange(problems.Select(p => prefix + p));
        return problems.Count == 0 ? rule : null;
    }
}

/// <summary>One hostile rule on the wire: <c>{"target","kind","reviewId","times","query"}</c>.</summary>
internal sealed class HostileRuleJson
{
    public string? Target { get; init; }

    public string? Kind { get; init; }

    public string? ReviewId { get; init; }

    public int? Times { get; init; }

    public string? Query { get; init; }
}
