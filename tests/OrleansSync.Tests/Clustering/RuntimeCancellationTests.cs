using OrleansSync.Tests.Grains;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Clustering;

/// <summary>
/// A grain call that fails with an <see cref="OperationCanceledException"/> its caller did not ask for (the grain
/// directory cancels lookups to a silo that just died) is a transient failure to the caller; its own cancellation
/// stays a cancellation.
/// </summary>
public sealed class RuntimeCancellationTests
{
    [Fact]
    public async Task Call_CancelledButNotByCaller_FailsAsTransientOrleansException()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await InProcessCluster.StartAsync(silos: 1, ct);
        var caller = cluster.Client.GetGrain<ICancelProbeGrain>($"caller-{Guid.NewGuid():N}");

        Assert.Equal(nameof(OrleansException), await caller.CallAndNameFailureAsync($"callee-{Guid.NewGuid():N}", cancelOwnToken: false));
        Assert.Equal(nameof(OperationCanceledException), await caller.CallAndNameFailureAsync($"callee-{Guid.NewGuid():N}", cancelOwnToken: true));
    }
}
