using Orleans.Runtime.Placement;
using OrleansSync.Tests.Grains;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Clustering;

public sealed class InProcessClusterTests
{
    [Fact]
    public async Task Deploy_TwoSilos_FormThroughPostgresMembership()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct);

        var rows = await Membership.ReadAsync(cluster.Database, cluster.ClusterId, ct);

        Assert.Equal(2, rows.Count(static r => r.Status == Membership.Active));
        var silos = cluster.Cluster.GetActiveSilos().Select(static s => s.SiloAddress.Endpoint.Port).Order().ToList();
        Assert.Equal(silos, rows.Select(static r => r.Port).Order().ToList());
        Assert.All(rows, static r => Assert.True(r.ProxyPort > 0, "every silo is a gateway"));
    }

    [Fact]
    public async Task Client_GatewaysFromPostgres_ReachesGrainsOnBothSilos()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct);

        // The client was configured with ADO.NET clustering only: every call below went through a gateway read from
        // PostgreSQL. A placement hint puts one fresh grain on each silo.
        foreach (var silo in cluster.Cluster.GetActiveSilos().Select(static s => s.SiloAddress))
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
            try
            {
                Assert.Equal(silo, await cluster.Client.GetGrain<ICounterGrain>(Guid.NewGuid()).SiloAsync());
            }
            finally
            {
                RequestContext.Clear();
            }
        }
    }

    [Fact]
    public async Task GrainState_Deactivated_ReadBackFromPostgres()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct);
        var grain = cluster.Client.GetGrain<ICounterGrain>(Guid.NewGuid());
        await grain.IncrementAsync();
        await grain.IncrementAsync();

        await grain.DeactivateAsync();
        await cluster.Cluster.WaitForDeactivationAsync(grain);

        Assert.Equal(2, await grain.GetAsync());
        Assert.Equal(3, await grain.IncrementAsync());
    }

    [Fact]
    public async Task GrainState_HostingSiloStopped_SurvivesOnOtherSilo()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InProcessCluster.StartAsync(silos: 2, ct);
        var grain = cluster.Client.GetGrain<ICounterGrain>(Guid.NewGuid());
        await grain.IncrementAsync();
        var host = await grain.SiloAsync();

        await cluster.Cluster.StopSiloAsync(cluster.Cluster.GetActiveSilos().Single(s => s.SiloAddress.Equals(host)), ct);

        Assert.NotEqual(host, await grain.SiloAsync());
        Assert.Equal(1, await grain.GetAsync());
        Assert.Equal(2, await grain.IncrementAsync());
    }
}
