using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Cli;

/// <summary>
/// <c>project add</c> refuses what would make a silo send a secret where it should not: an undeclared variable (any
/// name without the <c>ORLEANSSYNC_SECRET_</c> prefix, the silo's own <c>ORLEANSSYNC_PG</c> included), plain http to a
/// host that is not loopback, and a URL with credentials in it. Each refusal exits 2, says what to fix, and stores nothing.
/// </summary>
[Collection(TwoSiloProcessCollection.Name)]
public sealed class CredentialRulesCliTests(TwoSiloProcessFixture fixture)
{
    private const string Password = "hunter2-in-the-url";

    [Theory]
    [InlineData("PATH", "ORLEANSSYNC_SECRET_")]
    [InlineData("ORLEANSSYNC_PG", "ORLEANSSYNC_SECRET_")]
    [InlineData("ORLEANSSYNC_SECRET_", "ORLEANSSYNC_SECRET_")]
    [InlineData("not a variable name", "not the secret itself")]
    public async Task ProjectAdd_UndeclaredSecretVariable_ExitsTwoStatingTheRule(string variable, string rule)
    {
        var result = await AddAsync("p-undeclared", "http://127.0.0.1:9", variable);

        AssertRefused(result, rule);
        // The refused name is not echoed: it may have been the secret itself.
        Assert.DoesNotContain(variable, result.StdErr.Replace("ORLEANSSYNC_SECRET_", "", StringComparison.Ordinal), StringComparison.Ordinal);
        await AssertNotStoredAsync("p-undeclared");
    }

    [Theory]
    [InlineData("http://example.com")]
    [InlineData("http://10.1.2.3:8443")]
    [InlineData("http://127.0.0.1.nip.io:9")]
    public async Task ProjectAdd_PlainHttpToAHostThatIsNotLoopback_ExitsTwoAskingForHttps(string baseUrl)
    {
        var result = await AddAsync("p-plain-http", baseUrl, TwoSiloProcessFixture.SecretVariable);

        AssertRefused(result, "Use https");
        await AssertNotStoredAsync("p-plain-http");
    }

    [Theory]
    [InlineData("https://someone:" + Password + "@example.com")]
    [InlineData("http://someone:" + Password + "@127.0.0.1:9")]
    [InlineData("https://someone:" + Password + "@exa mple.com")]
    public async Task ProjectAdd_CredentialsInTheUrl_ExitsTwoWithoutEchoingThem(string baseUrl)
    {
        var result = await AddAsync("p-userinfo", baseUrl, TwoSiloProcessFixture.SecretVariable);

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.StdErr}");
        Assert.DoesNotContain(Password, result.StdOut + result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("someone", result.StdOut + result.StdErr, StringComparison.Ordinal);
        await AssertNotStoredAsync("p-userinfo");
    }

    [Theory]
    [InlineData("https://acc.example.com")]
    [InlineData("http://localhost:9")]
    [InlineData("http://[::1]:9")]
    public async Task ProjectAdd_HttpsOrLoopbackWithADeclaredSecret_IsAccepted(string baseUrl)
    {
        var project = $"p-accepted-{Guid.NewGuid():N}"[..20];
        var result = await AddAsync(project, baseUrl, TwoSiloProcessFixture.SecretVariable);

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Equal(0, (await RunAsync("project", "remove", project)).ExitCode);
    }

    private static void AssertRefused(Infrastructure.Cli.Result result, string saying)
    {
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.StdErr}");
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(saying, line, StringComparison.Ordinal);
    }

    private async Task AssertNotStoredAsync(string project)
    {
        var show = await RunAsync("project", "show", project);
        Assert.True(show.ExitCode == 2, $"the refused project was stored: {show.StdOut}");
    }

    private Task<Infrastructure.Cli.Result> AddAsync(string project, string baseUrl, string variable) =>
        RunAsync("project", "add", project, "--base-url", baseUrl, "--client-id", "c", "--client-secret-env", variable);

    private Task<Infrastructure.Cli.Result> RunAsync(params string[] args) =>
        Infrastructure.Cli.RunAsync(fixture.Cluster.CliEnvironment(), TestContext.Current.CancellationToken, args);
}
