using Microsoft.Extensions.Configuration;
using OrleansSync.Silo.Hosting;

namespace OrleansSync.Tests.Silo;

public sealed class SiloSettingsTests
{
    [Fact]
    public void Apply_FlagsAndVariables_FlagsWin()
    {
        var configuration = new ConfigurationBuilder();
        var variables = new Dictionary<string, string> { ["ORLEANSSYNC_PG"] = "Host=db;Database=x", ["ORLEANSSYNC_CLUSTER_ID"] = "from-env" };

        var error = SiloCommandLine.Apply(configuration, ["--silo-port", "11112", "--cluster-id=from-flag", "--http-port", "8081"], v => variables.GetValueOrDefault(v));
        var settings = configuration.Build().GetSection(SyncSiloOptions.Section).Get<SyncSiloOptions>()!;

        Assert.Null(error);
        Assert.Equal(11112, settings.SiloPort);
        Assert.Equal(8081, settings.HttpPort);
        Assert.Equal("from-flag", settings.ClusterId);
        Assert.Equal("Host=db;Database=x", settings.Postgres);
        Assert.Empty(settings.Validate());
    }

    [Theory]
    [InlineData("--silo-prot", "Unknown argument '--silo-prot'")]
    [InlineData("--http-port", "needs a value")]
    public void Apply_BadArguments_SaysWhatIsWrong(string flag, string expected)
    {
        var error = SiloCommandLine.Apply(new ConfigurationBuilder(), [flag], static _ => null);

        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("usage:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadValues_NamesTheFlagToFix()
    {
        var settings = new SyncSiloOptions { SiloPort = 0, GatewayPort = 30000, HttpPort = 30000, AdvertisedIp = "localhost", Postgres = "Hots=x" };

        var errors = settings.Validate();

        Assert.Contains(errors, static e => e.Contains("--silo-port", StringComparison.Ordinal));
        Assert.Contains(errors, static e => e.Contains("must differ", StringComparison.Ordinal));
        Assert.Contains(errors, static e => e.Contains("--advertised-ip", StringComparison.Ordinal));
        Assert.Contains(errors, static e => e.Contains("ORLEANSSYNC_PG", StringComparison.Ordinal));
    }
}
