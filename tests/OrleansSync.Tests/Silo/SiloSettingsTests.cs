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

    [Theory]
    [InlineData("192.0.2.10")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public void Validate_NonLoopbackWithoutTls_RefusedUnlessAllowedInsecure(string address)
    {
        var open = new SyncSiloOptions { AdvertisedIp = address };
        var allowed = new SyncSiloOptions { AdvertisedIp = address, Tls = new() { AllowInsecure = true } };

        var error = Assert.Single(open.Validate());
        Assert.Contains($"--advertised-ip {address} is not a loopback address", error, StringComparison.Ordinal);
        Assert.Contains("ORLEANSSYNC_TLS_CERT", error, StringComparison.Ordinal);
        Assert.Contains("OrleansSync__Tls__AllowInsecure=true", error, StringComparison.Ordinal);
        Assert.Empty(allowed.Validate());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Validate_LoopbackWithoutTls_Accepted(string address) =>
        Assert.Empty(new SyncSiloOptions { AdvertisedIp = address }.Validate());
}
