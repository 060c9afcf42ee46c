using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Silo;

/// <summary>Settings are validated when a silo starts: a value out of range stops it with one line naming the setting.</summary>
public sealed class SiloStartupTests
{
    [Theory]
    [InlineData("OrleansSync__Tasks__Breaker__Failures", "0", "Failures")]
    [InlineData("OrleansSync__Tasks__HungAfter", "00:00:00", "HungAfter")]
    [InlineData("OrleansSync__Acc__PageSize", "500", "PageSize")]
    [InlineData("OrleansSync__Secrets__Prefix", "ORLEANSSYNC_", "ORLEANSSYNC_PG")]
    [InlineData("OrleansSync__Secrets__Prefix", "", "Secrets:Prefix")]
    [InlineData("OrleansSync__Membership__ProbeTimeout", "soon", "OrleansSync:Membership:ProbeTimeout")]
    public async Task Start_SettingOutOfRange_ExitsTwoNamingTheSetting(string variable, string value, string named)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(migrate: true, ct);
        var logs = Directory.CreateTempSubdirectory("orleanssync-startup-");
        try
        {
            await using var silo = SiloProcess.Start("silo-bad", database.ConnectionString, "startup-test", logs.FullName, new Dictionary<string, string?> { [variable] = value });

            await silo.ExitedAsync(TimeSpan.FromSeconds(60), "the silo to refuse its settings and exit", ct);

            Assert.Equal(2, silo.ExitCode);
            var log = silo.LogTail(20);
            Assert.Contains("error: invalid settings:", log, StringComparison.Ordinal);
            Assert.Contains(named, log, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
        }
        finally
        {
            logs.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Start_NonLoopbackListenersWithoutTls_ExitsTwoSayingWhatToSet()
    {
        var ct = TestContext.Current.CancellationToken;
        var logs = Directory.CreateTempSubdirectory("orleanssync-startup-");
        try
        {
            // Refused before PostgreSQL is touched, and before anything binds the (unreachable) address.
            await using var silo = SiloProcess.Start("silo-open-mesh", "Host=127.0.0.1;Port=1;Database=none;Username=none", "startup-test", logs.FullName, arguments: ["--advertised-ip", "192.0.2.10"]);

            await silo.ExitedAsync(TimeSpan.FromSeconds(60), "the silo to refuse listening beyond loopback without TLS and exit", ct);

            Assert.Equal(2, silo.ExitCode);
            var log = silo.LogTail(20);
            Assert.Contains("--advertised-ip 192.0.2.10 is not a loopback address", log, StringComparison.Ordinal);
            Assert.Contains("OrleansSync__Tls__AllowInsecure=true", log, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
        }
        finally
        {
            logs.Delete(recursive: true);
        }
    }
}
