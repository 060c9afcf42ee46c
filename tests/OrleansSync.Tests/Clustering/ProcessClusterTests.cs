using System.Net;
using System.Text.Json;
using Orleans.Runtime.Placement;
using OrleansSync.Diagnostics;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Clustering;

/// <summary>Real silo processes, killed and restarted the way an operator or a crash would.</summary>
public sealed class ProcessClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Silo_KilledWithSigkill_DeclaredDeadAndItsGrainsReactivateOnSurvivor()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await ProcessCluster.StartAsync(silos: 2, ct);
        var victim = cluster.Silos[1];
        var survivor = cluster.Silos[0];
        await using var connection = await cluster.ConnectAsync(ct);
        var (key, before) = await ProbeUntilHostedOnAsync(connection.Client, victim.Name, ct);

        await victim.KillAsync();
        var detection = await Eventually.UntilAsync(
            async () => (await Membership.ReadAsync(cluster.Database, cluster.ClusterId, ct)).Any(r => r.SiloName == victim.Name && r.Status == Membership.Dead),
            TimeSpan.FromSeconds(45),
            $"{victim.Name} declared Dead in the membership table",
            ct);
        output.WriteLine($"SIGKILLed silo declared dead after {detection.TotalSeconds:0.0} s");

        // Budget: 3 missed probes × 2 s, plus the vote and the table write, well inside 30 s on this machine.
        Assert.True(detection < TimeSpan.FromSeconds(30), $"declared dead after {detection.TotalSeconds:0.0} s");
        // The client may still hold the dead silo as its gateway or in its directory cache for a moment after the table
        // says Dead: a call rejected while it learns that is retried, as a caller would; one that lands must be on the survivor.
        var after = await Eventually.ValueAsync(
            async () => await connection.Client.GetGrain<IClusterProbeGrain>(key).ProbeAsync(ct),
            TimeSpan.FromSeconds(30),
            "the probe grain answering after its silo died",
            ct,
            static e => e is OrleansMessageRejectionException or SiloUnavailableException);
        Assert.Equal(survivor.Name, after.SiloName);
        Assert.Equal(before.Writes + 1, after.Writes);
        Assert.True(after.ActivatedAt > before.ActivatedAt);
    }

    [Fact]
    public async Task Cluster_FullRestart_GrainStateSurvives()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await ProcessCluster.StartAsync(silos: 2, ct);
        ProbeResult written;
        await using (var connection = await cluster.ConnectAsync(ct))
        {
            var grain = connection.Client.GetGrain<IClusterProbeGrain>("restart");
            await grain.ProbeAsync(ct);
            written = await grain.ProbeAsync(ct);
        }

        foreach (var silo in cluster.Silos.ToList())
        {
            await silo.StopAsync(TimeSpan.FromSeconds(30));
        }

        Assert.DoesNotContain(await Membership.ReadAsync(cluster.Database, cluster.ClusterId, ct), static r => r.Status == Membership.Active);
        cluster.StartSilo();
        cluster.StartSilo();
        await cluster.WaitForActiveAsync(2, ct);
        await using (var connection = await cluster.ConnectAsync(ct))
        {
            var read = await connection.Client.GetGrain<IClusterProbeGrain>("restart").PeekAsync(ct);
            Assert.Equal(2, written.Writes);
            Assert.Equal(written.Writes, read.Writes);
            Assert.StartsWith("silo-", read.SiloName, StringComparison.Ordinal);
            Assert.DoesNotContain(read.SiloName, new[] { "silo-0", "silo-1" });
        }
    }

    [Fact]
    public async Task Silo_Sigterm_LeavesClusterAndExitsCleanly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await ProcessCluster.StartAsync(silos: 2, ct);
        var leaving = cluster.Silos[1];

        await leaving.StopAsync(TimeSpan.FromSeconds(30));

        Assert.True(leaving.HasExited);
        var row = (await Membership.ReadAsync(cluster.Database, cluster.ClusterId, ct)).Single(r => r.SiloName == leaving.Name);
        Assert.Equal(Membership.Dead, row.Status);
        await cluster.WaitForActiveAsync(1, ct);
    }

    [Fact]
    public async Task Health_ActiveSilo_ReadyAndDashboardServed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await ProcessCluster.StartAsync(silos: 1, ct);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cluster.Silos[0].HttpPort}") };

        using var health = await http.GetAsync(new Uri("/health", UriKind.Relative), ct);
        using var document = JsonDocument.Parse(await health.Content.ReadAsStringAsync(ct));
        using var dashboard = await http.GetAsync(new Uri("/dashboard/", UriKind.Relative), ct);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", document.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", document.RootElement.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
        Assert.Equal("Healthy", document.RootElement.GetProperty("checks").GetProperty("silo-active").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("text/html", dashboard.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    /// <summary>
    /// Places a probe grain on the wanted silo with a placement hint (early in a cluster's life Orleans places new
    /// activations on the gateway silo, so fresh keys alone would not spread).
    /// </summary>
    private static async Task<(string Key, ProbeResult Result)> ProbeUntilHostedOnAsync(IClusterClient client, string siloName, CancellationToken ct)
    {
        var hosts = await client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true, ct);
        var target = hosts.Single(h => h.SiloName == siloName).SiloAddress;
        var key = $"kill-{Guid.NewGuid():N}";
        try
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
            var result = await client.GetGrain<IClusterProbeGrain>(key).ProbeAsync(ct);
            Assert.Equal(siloName, result.SiloName);
            return (key, result);
        }
        finally
        {
            RequestContext.Clear();
        }
    }
}
