namespace OrleansSync.Tests.Backfills;

/// <summary>Bad days and ranges are refused before the CLI reaches any cluster: exit 2, one line saying what to fix.</summary>
public sealed class BackfillCliTests
{
    private static readonly Dictionary<string, string> NoCluster = new()
    {
        ["ORLEANSSYNC_PG"] = "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none",
    };

    [Theory]
    [InlineData("--from '2026-13-01' is not a day: write a UTC day as YYYY-MM-DD", "backfill", "p1", "--from", "2026-13-01", "--to", "2026-01-02")]
    [InlineData("--to 'yesterday' is not a day", "backfill", "p1", "--from", "2026-01-01", "--to", "yesterday")]
    [InlineData("--from 2026-01-05 is after --to 2026-01-02", "backfill", "p1", "--from", "2026-01-05", "--to", "2026-01-02")]
    [InlineData("--to is required", "backfill", "p1", "--from", "2026-01-05")]
    [InlineData("spans 1461 days; a backfill spans at most 1000", "backfill", "p1", "--from", "2020-01-01", "--to", "2023-12-31")]
    [InlineData("is after today", "backfill", "p1", "--from", "2026-01-01", "--to", "2999-01-01")]
    [InlineData("--day '1.1.2026' is not a day", "backfill", "retry", "bf-x", "--day", "1.1.2026")]
    public async Task Backfill_BadDates_ExitsTwoWithAMessage(string message, params string[] args)
    {
        var result = await Infrastructure.Cli.RunAsync(NoCluster, TestContext.Current.CancellationToken, [.. args, "--json"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.StdErr, StringComparison.Ordinal);
        Assert.Empty(result.StdOut);
    }
}
