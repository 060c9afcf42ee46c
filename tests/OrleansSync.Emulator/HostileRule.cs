using System.Text.Json;
namespace OrleansSync.Emulator;

/// <summary>
/// Answers matching upstream calls in a hostile way (see <see cref="AccEmulator.AddHostile"/> and <c>hostile</c> in
/// <c>POST /__faults</c>). A rule only takes a call whose normal answer is a 200 it can spoil; it is used up after
/// <paramref name="Times"/> such calls, or never when <paramref name="Times"/> is null.
/// </summary>
/// <param name="Target">Which call.</param>
/// <param name="Kind">What goes wrong.</param>
/// <param name="ReviewId">For <see cref="HostileTarget.Versions"/> and <see cref="HostileTarget.Progress"/>: only this review's calls.</param>
/// <param name="Times">How many calls to spoil; null for every matching call.</param>
/// <param name="Query">
/// For <see cref="HostileTarget.Reviews"/> and <see cref="HostileTarget.Workflows"/>: only calls whose query string,
/// unescaped, contains this text (e.g. one day's <c>filter[updatedAt]</c>).
/// </param>
public sealed record HostileRule(HostileTarget Target, HostileKind Kind, string? ReviewId = null, int? Times = null, string? Query = null)
{
    /// <summary>The query string a rule's <see cref="Query"/> is looked for in: unescaped, without the leading '?'.</summary>
    internal static string QueryOf(HttpRequest request) => Uri.UnescapeDataString(request.QueryString.Value?.TrimStart('?') ?? string.Empty);

    internal IEnumerable<string> Validate()
    {
        if (!Enum.IsDefined(Target))
        {
            yield return $"hostile target {(int)Target} does not exist";
        }

        if (!Enum.IsDefined(Kind))
        {
            yield return $"hostile kind {(int)Kind} does not exist";
        }

        if (Target == HostileTarget.Token && Kind is not (HostileKind.Html200 or HostileKind.Truncated or HostileKind.StallBody or HostileKind.NulInError))
        {
            yield return "the token target takes only html200, truncated, stallBody and nulInError";
        }

        if (Kind is HostileKind.DriftAfterPage or HostileKind.ShiftAfterPage && Target != HostileTarget.Reviews)
        {
            yield return $"{JsonNamingPolicy.CamelCase.ConvertName(Kind.ToString())} takes only the reviews target";
        }

        if (Kind == HostileKind.NumberOutOfRange && Target != HostileTarget.Workflows)
        {
            yield return "numberOutOfRange takes only the workflows target";
        }

        if (ReviewId is not null && Target is not (HostileTarget.Versions or HostileTarget.Progress))
        {
            yield return "reviewId narrows only the versions and progress targets";
        }

        if (ReviewId is { Length: 0 })
        {
            yield return "reviewId must not be empty";
        }

        if (Query is not null && Target is not (HostileTarget.Reviews or HostileTarget.Workflows))
        {
            yield return "query narrows only the reviews and workflows targets";
        }

        if (Query is { Length: 0 })
        {
            yield return "query must not be empty";
        }

        if (Times is < 1)
        {
            yield return "times must be 1 or more, or null for every call";
        }
    }
}
