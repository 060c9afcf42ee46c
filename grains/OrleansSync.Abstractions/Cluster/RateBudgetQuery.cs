using System.Globalization;
using OrleansSync.RateBudget;

namespace OrleansSync.Cluster;

/// <summary>Every credential's cluster-wide rate budget, from the registry of budget grains and each grain's stats.</summary>
public static class RateBudgetQuery
{
    // A budget's grain may be moving after its silo died; a cluster report must not hang on it.
    private const int AnswerSeconds = 5;

    public static async Task<List<RateBudgetView>> RunAsync(IGrainFactory grains, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(AnswerSeconds));
        try
        {
            var credentials = await grains.GetGrain<IRateBudgetRegistryGrain>(0).ListAsync(timeout.Token);
            var answers = await Task.WhenAll(credentials.Select(c => AskAsync(grains, c, timeout.Token)));
            return [.. answers];
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return [new RateBudgetView("(registry)", null, [], $"no answer within {AnswerSeconds} s")];
        }
    }

    /// <summary>One line per family: <c>reviews 19.4/s of 20 per 1 s, 3 in use, 12 waiting (2 projects), 0 429s</c>.</summary>
    public static IEnumerable<string> Describe(RateBudgetView budget)
    {
        if (budget.Error is not null)
        {
            yield return $"rate budget {budget.Credential}: unknown ({budget.Error})";
            yield break;
        }

        foreach (var f in budget.Families)
        {
            var paused = f.PausedUntil is { } until ? $", paused until {until:HH:mm:ss.fff}" : "";
            yield return string.Create(
                CultureInfo.InvariantCulture,
                $"rate budget {budget.Credential} {f.Family}: {f.CallsPerSecond:0.##}/s of {f.Limit} per {f.WindowSeconds:0.###} s, {f.Granted} granted, {f.InUse} in use, {f.Waiting} waiting ({f.Projects} projects), {f.Throttled} 429s{paused}");
        }
    }

    private static async Task<RateBudgetView> AskAsync(IGrainFactory grains, string credential, CancellationToken cancellationToken)
    {
        try
        {
            var stats = await grains.GetGrain<IRateBudgetGrain>(credential).GetStatsAsync(cancellationToken);
            return new RateBudgetView(credential, stats.Silo, stats.Families, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new RateBudgetView(credential, null, [], e.Message.Split('\n')[0]);
        }
    }
}

/// <summary>One credential's budget in a cluster report (<c>rateBudgets</c>).</summary>
public sealed record class RateBudgetView(string Credential, string? Silo, IReadOnlyList<FamilyBudgetStats> Families, string? Error);
