using System.Text.Json;

namespace OrleansSync.Tests.Cli;

/// <summary><c>orleanssync deadletter list</c> as a real process against a real, seeded database; no cluster needed.</summary>
public sealed class DeadLetterListTests(DeadLetterListFixture fixture) : IClassFixture<DeadLetterListFixture>
{
    private static IReadOnlyList<DeadLetterListFixture.Letter> Letters => DeadLetterListFixture.Letters;

    [Fact]
    public async Task DeadletterList_Json_AllRowsNewestFirstWithRaw()
    {
        var letters = await ListAsync();

        Assert.Equal(Letters, letters);
    }

    [Fact]
    public async Task DeadletterList_Resolved_AlsoListsResolvedOnesWithTheirTime()
    {
        var result = await Infrastructure.Cli.RunAsync(fixture.Environment, TestContext.Current.CancellationToken, "deadletter", "list", "--resolved", "--json");

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StdErr}");
        using var document = JsonDocument.Parse(result.StdOut);
        var listed = document.RootElement.GetProperty("deadLetters").EnumerateArray()
            .Select(static l => (Key: l.GetProperty("recordKey").GetString(), Resolved: l.GetProperty("resolvedAt").ValueKind == JsonValueKind.Null ? (DateTimeOffset?)null : l.GetProperty("resolvedAt").GetDateTimeOffset()))
            .ToList();
        Assert.Equal([.. Letters.Select(static l => (l.RecordKey, (DateTimeOffset?)null)), (DeadLetterListFixture.Resolved.RecordKey, DeadLetterListFixture.ResolvedAt)], listed);
    }

    [Theory]
    [InlineData("p-one")]
    [InlineData("b.p-one")]
    public async Task DeadletterList_ProjectWithOrWithoutPrefix_OnlyThatProject(string project)
    {
        var letters = await ListAsync("--project", project);

        Assert.Equal(Letters.Where(static l => l.ProjectId == "p-one"), letters);
    }

    [Fact]
    public async Task DeadletterList_Stream_OnlyThatStream()
    {
        var letters = await ListAsync("--stream", "reviews");

        Assert.Equal(Letters.Where(static l => l.Stream == "reviews"), letters);
    }

    [Fact]
    public async Task DeadletterList_ProjectAndStream_BothApply()
    {
        var letters = await ListAsync("--project", "b.p-one", "--stream", "reviews");

        Assert.Equal("r-1", Assert.Single(letters).RecordKey);
    }

    [Fact]
    public async Task DeadletterList_Limit_NewestOnly()
    {
        var letters = await ListAsync("--limit", "2");

        Assert.Equal(Letters.Take(2), letters);
    }

    [Fact]
    public async Task DeadletterList_UnknownProject_EmptyList()
    {
        var letters = await ListAsync("--project", "no-such-project");

        Assert.Empty(letters);
    }

    [Fact]
    public async Task DeadletterList_Table_ShortReasonAndNoRaw()
    {
        var result = await Infrastructure.Cli.RunAsync(fixture.Environment, TestContext.Current.CancellationToken, "deadletter", "list", "--project", "p-one", "--stream", "reviews");

        // Redirected output is 80 columns wide and cells wrap, so look at characters rather than whole words:
        // '{' is only in the raw record, and the reason's tail of 80 'x' is cut off.
        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains("r-1", result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain('{', result.StdOut);
        Assert.Contains('…', result.StdOut);
        Assert.InRange(result.StdOut.Count(static c => c == 'x'), 1, 20);
    }

    [Theory]
    [InlineData("--stream", "bogus", "--stream")]
    [InlineData("--stream", "reviews,workflows", "--stream")]
    [InlineData("--limit", "0", "--limit")]
    [InlineData("--limit", "10001", "--limit")]
    [InlineData("--limit", "many", "--limit")]
    [InlineData("--project", " ", "--project")]
    public async Task DeadletterList_BadFlag_ExitsTwoNamingTheFlag(string flag, string value, string named)
    {
        var result = await Infrastructure.Cli.RunAsync(fixture.Environment, TestContext.Current.CancellationToken, "deadletter", "list", flag, value, "--json");

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.StdErr}");
        Assert.Equal("", result.StdOut);
        Assert.StartsWith("error: ", result.StdErr, StringComparison.Ordinal);
        Assert.Contains(named, result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadletterList_BadStream_MessageListsTheStreams()
    {
        var result = await Infrastructure.Cli.RunAsync(fixture.Environment, TestContext.Current.CancellationToken, "deadletter", "list", "--stream", "bogus");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("workflows, reviews, review_versions, review_progress, projects", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadletterList_PostgresUnreachable_ExitsThreeWithoutLeakingPassword()
    {
        var environment = new Dictionary<string, string> { ["ORLEANSSYNC_PG"] = "Host=127.0.0.1;Port=1;Database=nowhere;Username=someone;Password=hunter2-secret" };

        var result = await Infrastructure.Cli.RunAsync(environment, TestContext.Current.CancellationToken, "deadletter", "list", "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("", result.StdOut);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: Cannot reach PostgreSQL at 127.0.0.1:1/nowhere", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.StdErr, StringComparison.Ordinal);
    }

    private async Task<List<DeadLetterListFixture.Letter>> ListAsync(params string[] filters)
    {
        var result = await Infrastructure.Cli.RunAsync(fixture.Environment, TestContext.Current.CancellationToken, ["deadletter", "list", .. filters, "--json"]);

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StdErr}");
        using var document = JsonDocument.Parse(result.StdOut);
        return [.. document.RootElement.GetProperty("deadLetters").EnumerateArray().Select(static l => new DeadLetterListFixture.Letter(
            l.GetProperty("projectId").GetString()!,
            l.GetProperty("stream").GetString()!,
            l.GetProperty("recordKey").GetString(),
            l.GetProperty("reason").GetString()!,
            l.GetProperty("occurrences").GetInt32(),
            l.GetProperty("firstSeenAt").GetDateTimeOffset(),
            l.GetProperty("lastSeenAt").GetDateTimeOffset(),
            l.GetProperty("taskId").GetString(),
            l.GetProperty("raw").GetString()!))];
    }
}
