using System.Text.Json;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Cli;

[Collection(TwoSiloProcessCollection.Name)]
public sealed class CliTests(TwoSiloProcessFixture fixture)
{
    private Dictionary<string, string> Environment => fixture.Cluster.CliEnvironment();

    [Fact]
    public async Task Cluster_Json_ListsBothSilosActive()
    {
        var result = await Infrastructure.Cli.RunAsync(Environment, TestContext.Current.CancellationToken, "cluster", "--json");

        Assert.True(result.ExitCode == 0, result.StdErr);
        using var document = JsonDocument.Parse(result.StdOut);
        var silos = document.RootElement.GetProperty("silos").EnumerateArray().ToList();
        Assert.Equal(2, silos.Count);
        Assert.All(silos, static s =>
        {
            Assert.Equal("Active", s.GetProperty("status").GetString());
            Assert.StartsWith("127.0.0.1:", s.GetProperty("address").GetString(), StringComparison.Ordinal);
            Assert.True(s.GetProperty("gatewayPort").GetInt32() > 0);
            Assert.True(s.GetProperty("startTime").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
            // Each silo answered for itself through the latency grain placed on it.
            Assert.Equal(JsonValueKind.Object, s.GetProperty("latency").ValueKind);
            Assert.Equal(JsonValueKind.Null, s.GetProperty("latencyError").ValueKind);
        });
        Assert.Equal(
            fixture.Cluster.Silos.Select(static s => s.Name).Order(),
            silos.Select(static s => s.GetProperty("name").GetString()).Order());
    }

    [Fact]
    public async Task ClusterCheck_Json_EveryProbePersistedThroughBothSilos()
    {
        var result = await Infrastructure.Cli.RunAsync(Environment, TestContext.Current.CancellationToken, "cluster", "--check", "--json");

        Assert.True(result.ExitCode == 0, result.StdErr);
        using var document = JsonDocument.Parse(result.StdOut);
        var probes = document.RootElement.GetProperty("probes").EnumerateArray().ToList();
        Assert.All(probes, static p => Assert.True(p.GetProperty("ok").GetBoolean(), p.ToString()));
        Assert.All(probes, static p => Assert.True(p.GetProperty("writes").GetInt64() >= 1));
        Assert.All(probes, static p => Assert.Equal(p.GetProperty("targetSilo").GetString(), p.GetProperty("siloName").GetString()));
        Assert.Equal(
            fixture.Cluster.Silos.Select(static s => s.Name).Order(),
            probes.Select(static p => p.GetProperty("siloName").GetString()).Order());
    }

    [Fact]
    public async Task Executable_ClusterJson_WritesTheDocumentOnStdout()
    {
        // The one run of the real executable here: the other tests run commands in-process, past Program's Main.
        var result = await Infrastructure.Cli.RunProcessAsync(Environment, TestContext.Current.CancellationToken, "cluster", "--json");

        Assert.True(result.ExitCode == 0, result.StdErr);
        using var document = JsonDocument.Parse(result.StdOut);
        Assert.Equal(2, document.RootElement.GetProperty("silos").GetArrayLength());
    }

    [Fact]
    public async Task Executable_BadUsage_ExitsTwoWithTheErrorOnStderr()
    {
        var result = await Infrastructure.Cli.RunProcessAsync(Environment, TestContext.Current.CancellationToken, "cluster", "--bogus");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.StdOut);
        Assert.Contains("error: Unrecognized command or argument '--bogus'", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_NoSiloForClusterId_ExitsThreeWithOneLine()
    {
        var environment = Environment;
        environment["ORLEANSSYNC_CLUSTER_ID"] = "no-such-cluster";

        var result = await Infrastructure.Cli.RunAsync(environment, TestContext.Current.CancellationToken, "cluster", "--json", "--connect-timeout", "3");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("", result.StdOut);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("no-such-cluster", line, StringComparison.Ordinal);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(30), $"took {result.Elapsed}");
    }

    [Fact]
    public async Task Cluster_PostgresUnreachable_ExitsThreeWithoutLeakingPassword()
    {
        var environment = Environment;
        environment["ORLEANSSYNC_PG"] = "Host=127.0.0.1;Port=1;Database=nowhere;Username=someone;Password=hunter2-secret";

        var result = await Infrastructure.Cli.RunAsync(environment, TestContext.Current.CancellationToken, "cluster", "--connect-timeout", "3");

        Assert.Equal(3, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("127.0.0.1:1/nowhere", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", result.StdErr + result.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("clusterx")]
    [InlineData("cluster", "--bogus")]
    [InlineData("cluster", "--connect-timeout", "soon")]
    public async Task Cli_BadUsage_ExitsTwo(params string[] args)
    {
        var result = await Infrastructure.Cli.RunAsync(Environment, TestContext.Current.CancellationToken, args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error:", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DbMigrate_FreshDatabaseTwice_AppliesAllThenNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(migrate: false, ct);
        var environment = new Dictionary<string, string> { ["ORLEANSSYNC_PG"] = database.ConnectionString };

        var first = await Infrastructure.Cli.RunAsync(environment, ct, "db", "migrate", "--json");
        var second = await Infrastructure.Cli.RunAsync(environment, ct, "db", "migrate", "--json");

        Assert.True(first.ExitCode == 0, first.StdErr);
        Assert.True(second.ExitCode == 0, second.StdErr);
        using var firstJson = JsonDocument.Parse(first.StdOut);
        using var secondJson = JsonDocument.Parse(second.StdOut);
        Assert.Equal(OrleansSync.Schema.Migration.All.Count, firstJson.RootElement.GetProperty("applied").GetArrayLength());
        Assert.Equal(0, secondJson.RootElement.GetProperty("applied").GetArrayLength());
        Assert.Equal(OrleansSync.Schema.Migration.All.Count, secondJson.RootElement.GetProperty("alreadyApplied").GetArrayLength());
    }

    [Theory]
    [InlineData("project", "add", "p-bad-url", "--base-url", "not a url", "--client-id", "c", "--client-secret-env", TwoSiloProcessFixture.SecretVariable)]
    [InlineData("project", "add", "p-bad-var", "--base-url", "http://127.0.0.1:9", "--client-id", "c", "--client-secret-env", "NOT-A-VARIABLE")]
    [InlineData("project", "add", "p-unset", "--base-url", "http://127.0.0.1:9", "--client-id", "c", "--client-secret-env", "ORLEANSSYNC_SECRET_SURELY_UNSET")]
    [InlineData("project", "add", "p-stream", "--base-url", "http://127.0.0.1:9", "--client-id", "c", "--client-secret-env", TwoSiloProcessFixture.SecretVariable, "--streams", "reviews,bogus")]
    [InlineData("project", "add", "p-every", "--base-url", "http://127.0.0.1:9", "--client-id", "c", "--client-secret-env", TwoSiloProcessFixture.SecretVariable, "--every", "soon")]
    [InlineData("sync", "no-such-project")]
    [InlineData("project", "show", "no-such-project")]
    [InlineData("task", "show", "no-such-task")]
    [InlineData("task", "show", " ")]
    [InlineData("task", "cancel", "")]
    [InlineData("task", "list", "--status", "sleeping")]
    public async Task Cli_BadInput_ExitsTwoWithAMessage(params string[] args)
    {
        var result = await Infrastructure.Cli.RunAsync(Environment, TestContext.Current.CancellationToken, args);

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.StdErr}");
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_StreamTheProjectDoesNotSync_ExitsTwo()
    {
        var ct = TestContext.Current.CancellationToken;
        var add = await Infrastructure.Cli.RunAsync(
            Environment, ct, "project", "add", "p-workflows-only", "--base-url", "http://127.0.0.1:9", "--client-id", "c", "--client-secret-env", TwoSiloProcessFixture.SecretVariable, "--streams", "workflows", "--json");
        Assert.True(add.ExitCode == 0, add.StdErr);
        using var project = JsonDocument.Parse(add.StdOut);
        Assert.Equal(TwoSiloProcessFixture.SecretVariable, project.RootElement.GetProperty("spec").GetProperty("clientSecretVariable").GetString());

        var result = await Infrastructure.Cli.RunAsync(Environment, ct, "sync", "p-workflows-only", "--stream", "reviews");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not sync reviews", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_PausedProject_RefusedUntilResumed()
    {
        var ct = TestContext.Current.CancellationToken;
        var add = await Infrastructure.Cli.RunAsync(
            Environment, ct, "project", "add", "p-paused", "--base-url", "http://127.0.0.1:9", "--client-id", "c", "--client-secret-env", TwoSiloProcessFixture.SecretVariable);
        Assert.True(add.ExitCode == 0, add.StdErr);

        var pause = await Infrastructure.Cli.RunAsync(Environment, ct, "project", "pause", "p-paused", "--json");
        var refused = await Infrastructure.Cli.RunAsync(Environment, ct, "sync", "p-paused");
        var resume = await Infrastructure.Cli.RunAsync(Environment, ct, "project", "resume", "p-paused", "--json");

        Assert.True(pause.ExitCode == 0, pause.StdErr);
        using (var paused = JsonDocument.Parse(pause.StdOut))
        {
            Assert.True(paused.RootElement.GetProperty("paused").GetBoolean());
        }

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("project resume p-paused", refused.StdErr, StringComparison.Ordinal);
        using var resumed = JsonDocument.Parse(resume.StdOut);
        Assert.False(resumed.RootElement.GetProperty("paused").GetBoolean());
    }
}
