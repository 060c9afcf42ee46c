using System.Text.Json;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Cli;

/// <summary>
/// A project names its source kind: <c>project add --source acc</c> (the default, also without the flag) is stored as
/// <c>acc</c>; a kind the cluster does not know exits 2 naming the kinds there are, and stores nothing.
/// </summary>
[Collection(TwoSiloProcessCollection.Name)]
public sealed class SourceKindCliTests(TwoSiloProcessFixture fixture)
{
    [Fact]
    public async Task ProjectAdd_UnknownSource_ExitsTwoNamingTheKinds()
    {
        var result = await AddAsync("p-unknown-kind", "--source", "mainframe");

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.StdErr}");
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains("'mainframe'", line, StringComparison.Ordinal);
        Assert.Contains("--source", line, StringComparison.Ordinal);
        Assert.Contains("the source kinds are acc", line, StringComparison.Ordinal);
        var show = await RunAsync("project", "show", "p-unknown-kind");
        Assert.True(show.ExitCode == 2, $"the refused project was stored: {show.StdOut}");
    }

    [Theory]
    [InlineData("--source", "acc")]
    [InlineData]
    public async Task ProjectAdd_SourceAccOrNone_IsStoredAsAcc(params string[] flags)
    {
        var project = $"p-kind-{Guid.NewGuid():N}"[..16];

        var added = await AddAsync(project, flags);

        Assert.True(added.ExitCode == 0, added.StdErr);
        var show = await RunAsync("project", "show", project, "--json");
        Assert.True(show.ExitCode == 0, show.StdErr);
        using var json = JsonDocument.Parse(show.StdOut);
        Assert.Equal("acc", json.RootElement.GetProperty("spec").GetProperty("source").GetString());
        Assert.Equal(0, (await RunAsync("project", "remove", project)).ExitCode);
    }

    private Task<Infrastructure.Cli.Result> AddAsync(string project, params string[] flags) =>
        RunAsync(["project", "add", project, .. flags, "--base-url", "http://127.0.0.1:9", "--client-id", "c", "--client-secret-env", TwoSiloProcessFixture.SecretVariable]);

    private Task<Infrastructure.Cli.Result> RunAsync(params string[] args) =>
        Infrastructure.Cli.RunAsync(fixture.Cluster.CliEnvironment(), TestContext.Current.CancellationToken, args);
}
