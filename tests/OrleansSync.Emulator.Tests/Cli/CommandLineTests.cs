using OrleansSync.Emulator.Cli;

namespace OrleansSync.Emulator.Tests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public void Parse_AllKindsOfFlags_SetOptions()
    {
        var result = CommandLine.Parse(
        [
            "--port=0", "--seed", "5", "--projects", "4", "--reviews", "10", "--rate-window", "1", "--reviews-rate", "20",
            "--error-rate", "0.25", "--token-ttl", "5", "--client", "b:c", "--client-id", "me", "--throttle-next", "3",
            "--outage-status", "503", "--stall-seconds=2",
        ]);

        Assert.Null(result.Error);
        Assert.Equal(0, result.Options.Port);
        Assert.Equal(5, result.Options.Dataset.Seed);
        Assert.Equal(4, result.Options.Dataset.Projects);
        Assert.Equal(10, result.Options.Dataset.ReviewsPerProject);
        Assert.Equal(TimeSpan.FromSeconds(1), result.Options.RateLimits.Window);
        Assert.Equal(20, result.Options.RateLimits.ReviewsPerWindow);
        Assert.Equal(0.25, result.Options.Faults.ServerErrorRate);
        Assert.Equal(5, result.Options.Faults.TokenTtlSeconds);
        Assert.Equal(["me", "b"], result.Options.Clients.Select(c => c.ClientId));
        Assert.Equal(3, result.ThrottleNext);
        Assert.Equal(503, result.Options.Faults.OutageStatus);
        Assert.Equal(2, result.Options.Faults.StallSeconds);
    }

    [Fact]
    public void Parse_NoFlags_UsesDemoDefaults()
    {
        var result = CommandLine.Parse([]);

        Assert.Null(result.Error);
        Assert.Equal(18443, result.Options.Port);
        Assert.Equal("127.0.0.1", result.Options.Host);
        Assert.Equal(EmulatorClient.Demo, Assert.Single(result.Options.Clients));
        Assert.Equal(TimeSpan.FromMinutes(1), result.Options.RateLimits.Window);
        Assert.Equal(200, result.Options.RateLimits.ReviewsPerWindow);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--seed")]
    [InlineData("--seed", "x")]
    [InlineData("--error-rate", "1.5")]
    [InlineData("--rate-window", "0")]
    [InlineData("--client", "nosecret")]
    public async Task RunAsync_BadFlag_ExitsWith2AndExplains(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await EmulatorCommand.RunAsync(args, stdout, stderr);

        Assert.Equal(2, exit);
        Assert.StartsWith("error: ", stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(stdout.ToString());
    }
}
