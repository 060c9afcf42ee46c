using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tls;

namespace OrleansSync.Tests.Security;

/// <summary>
/// Mutual TLS on real silo processes with certificates from deploy/local/tls.sh: only a certificate from the
/// cluster's CA gets a client in, or a silo into the cluster; settings that cannot work stop silo and CLI with exit 2.
/// </summary>
public sealed class TlsClusterTests(TlsClusterFixture fixture) : IClassFixture<TlsClusterFixture>
{
    private ProcessCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Cluster_ClientCertificateFromTheCa_ListsBothSilosActive()
    {
        var result = await Infrastructure.Cli.RunAsync(fixture.Ours.ClientEnvironment(Cluster.CliEnvironment()), TestContext.Current.CancellationToken, "cluster", "--json");

        Assert.True(result.ExitCode == 0, result.StdErr);
        AssertActiveSilos(result.StdOut, "silo-0", "silo-1");
    }

    [Fact]
    public async Task Cluster_FlagsOverTheVariables_Connects()
    {
        // The variables name the other CA's certificate; the flags (with our password) put ours in their place.
        var environment = fixture.Other.ClientEnvironment(Cluster.CliEnvironment());
        environment[TlsSettings.PasswordVariable] = fixture.Ours.Password;

        var result = await Infrastructure.Cli.RunAsync(
            environment, TestContext.Current.CancellationToken, "cluster", "--json", "--tls-cert", fixture.Ours.ClientCertificate, "--tls-ca", fixture.Ours.Ca);

        Assert.True(result.ExitCode == 0, result.StdErr);
        AssertActiveSilos(result.StdOut, "silo-0", "silo-1");
    }

    [Fact]
    public async Task Cluster_NoClientCertificate_ExitsThreeNamingTheTlsSettings()
    {
        var result = await Infrastructure.Cli.RunAsync(
            TlsMaterial.WithoutTls(Cluster.CliEnvironment()), TestContext.Current.CancellationToken, "cluster", "--json", "--connect-timeout", "5");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("", result.StdOut);
        Assert.Contains("require mutual TLS", result.StdErr, StringComparison.Ordinal);
        Assert.Contains(TlsSettings.CertificateVariable, result.StdErr, StringComparison.Ordinal);
        Assert.Contains(TlsSettings.CaVariable, result.StdErr, StringComparison.Ordinal);
        Assert.Single(result.StdErr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Cluster_CertificateFromAnotherCa_ExitsThreeNamingTheCa()
    {
        var result = await Infrastructure.Cli.RunAsync(
            fixture.Other.ClientEnvironment(Cluster.CliEnvironment()), TestContext.Current.CancellationToken, "cluster", "--json", "--connect-timeout", "5");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("", result.StdOut);
        // Our side refuses the gateways' certificate first, and says whose it was.
        Assert.Contains("from the CA in ORLEANSSYNC_TLS_CA", result.StdErr, StringComparison.Ordinal);
        Assert.Contains(fixture.Other.Ca, result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Other.Password, result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("silo", true)]
    [InlineData("client", false)]
    public async Task SiloPort_TakesSiloCertificatesOnly(string certificate, bool accepted)
    {
        // A client certificate is from the CA too, and gateways take it (the CLI tests above), but only silo
        // certificates (serverAuth) may speak to the silo port. A silo checks the certificate once the handshake is
        // done; on the silo port it then either sends its Orleans preamble at once or hangs up: the first read tells
        // which, with no waiting for something not to happen. (A gateway waits for its client to speak first.)
        var ct = TestContext.Current.CancellationToken;
        var silo = Cluster.Silos[0];
        var pfx = certificate == "silo" ? fixture.Ours.SiloCertificate : fixture.Ours.ClientCertificate;
        using var mine = X509CertificateLoader.LoadPkcs12FromFile(pfx, fixture.Ours.Password);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, silo.SiloPort, ct);
        // This side trusts whatever the silo shows: the silo's verdict on our certificate is what is tested.
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, static (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", ClientCertificates = [mine] }, ct);

        int read;
        try
        {
            read = await tls.ReadAsync(new byte[64], ct).AsTask().WaitAsync(TimeSpan.FromSeconds(20), ct);
        }
        catch (IOException)
        {
            read = 0;
        }

        Assert.True(accepted == (read > 0), $"{certificate} certificate on the silo port: {(read > 0 ? "the silo sent its preamble" : "the silo hung up")}");
    }

    [Fact]
    public async Task Silo_CertificateFromAnotherCa_NeverBecomesActive()
    {
        var ct = TestContext.Current.CancellationToken;
        const string Name = "silo-other-ca";
        var environment = fixture.Other.SiloEnvironment();
        // Orleans lets a joining silo try for 5 minutes; 10 s of refused handshakes say as much, and it gives up sooner.
        environment["OrleansSync__Membership__MaxJoinAttemptTime"] = "00:00:10";
        await using var stranger = SiloProcess.Start(Name, Cluster.Database.ConnectionString, Cluster.ClusterId, Cluster.LogDirectory, environment);

        // It writes itself into membership and tries to meet the others; they refuse it, it refuses them, and it is
        // declared dead (or gives up) without ever being Active.
        var seenActive = false;
        List<Membership.Row> rows = [];
        await Eventually.UntilAsync(
            async () =>
            {
                rows = await Membership.ReadAsync(Cluster.Database, Cluster.ClusterId, ct);
                var row = rows.SingleOrDefault(static r => r.SiloName == Name);
                seenActive |= row?.Status == Membership.Active;
                return stranger.HasExited || row?.Status == Membership.Dead;
            },
            TimeSpan.FromSeconds(90),
            $"{Name} to be declared dead or to exit",
            ct);

        Assert.False(seenActive, $"{Name} was Active in membership:\n{stranger.LogTail()}");
        Assert.Equal(["silo-0", "silo-1"], rows.Where(static r => r.Status == Membership.Active).Select(static r => r.SiloName).Order());
        Assert.Contains("The remote certificate was rejected", stranger.LogTail(5000), StringComparison.Ordinal);
        var result = await Infrastructure.Cli.RunAsync(fixture.Ours.ClientEnvironment(Cluster.CliEnvironment()), ct, "cluster", "--json");
        Assert.True(result.ExitCode == 0, result.StdErr);
        AssertActiveSilos(result.StdOut, "silo-0", "silo-1");
    }

    [Theory]
    [InlineData("certificate only", TlsSettings.CaVariable)]
    [InlineData("CA only", TlsSettings.CertificateVariable)]
    [InlineData("wrong password", TlsSettings.PasswordVariable)]
    public async Task Silo_BadTlsSettings_ExitsTwoNamingTheSetting(string mistake, string named)
    {
        var ct = TestContext.Current.CancellationToken;
        var (environment, password) = BadSettings(mistake, fixture.Ours.SiloCertificate);
        await using var silo = SiloProcess.Start($"silo-bad-tls-{Guid.NewGuid():N}"[..20], Cluster.Database.ConnectionString, Cluster.ClusterId, Cluster.LogDirectory, environment);

        await silo.ExitedAsync(TimeSpan.FromSeconds(60), "the silo to refuse its TLS settings and exit", ct);

        Assert.Equal(2, silo.ExitCode);
        var log = silo.LogTail(20);
        Assert.Contains(named, log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
        Assert.DoesNotContain(password, log, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Ours.Password, log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("certificate only", TlsSettings.CaVariable)]
    [InlineData("CA only", TlsSettings.CertificateVariable)]
    [InlineData("wrong password", TlsSettings.PasswordVariable)]
    public async Task Cli_BadTlsSettings_ExitsTwoNamingTheSetting(string mistake, string named)
    {
        var (settings, password) = BadSettings(mistake, fixture.Ours.ClientCertificate);
        var environment = TlsMaterial.WithoutTls(Cluster.CliEnvironment());
        foreach (var (key, value) in settings)
        {
            environment[key] = value!;
        }

        var result = await Infrastructure.Cli.RunAsync(environment, TestContext.Current.CancellationToken, "cluster", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.StdOut);
        Assert.Contains(named, result.StdErr, StringComparison.Ordinal);
        Assert.Single(result.StdErr.Trim().Split('\n'));
        Assert.DoesNotContain(password, result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Ours.Password, result.StdErr, StringComparison.Ordinal);
    }

    /// <summary>One mistake in otherwise good settings, and the password the host was given.</summary>
    private (Dictionary<string, string?> Environment, string Password) BadSettings(string mistake, string certificate)
    {
        var wrong = $"wrong-{Guid.NewGuid():N}";
        var environment = new Dictionary<string, string?>
        {
            [TlsSettings.CertificateVariable] = certificate,
            [TlsSettings.PasswordVariable] = fixture.Ours.Password,
            [TlsSettings.CaVariable] = fixture.Ours.Ca,
        };
        switch (mistake)
        {
            case "certificate only":
                environment[TlsSettings.CaVariable] = "";
                break;
            case "CA only":
                environment[TlsSettings.CertificateVariable] = "";
                environment[TlsSettings.PasswordVariable] = "";
                break;
            case "wrong password":
                environment[TlsSettings.PasswordVariable] = wrong;
                return (environment, wrong);
            default:
                throw new ArgumentOutOfRangeException(nameof(mistake), mistake, null);
        }

        return (environment, fixture.Ours.Password);
    }

    private static void AssertActiveSilos(string json, params string[] names)
    {
        using var document = JsonDocument.Parse(json);
        var active = document.RootElement.GetProperty("silos").EnumerateArray()
            .Where(static s => s.GetProperty("status").GetString() == "Active")
            .Select(static s => s.GetProperty("name").GetString())
            .Order();
        Assert.Equal(names, active);
    }
}
