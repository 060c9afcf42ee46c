using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using OrleansSync.Sources.Acc.Client;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Acc;

/// <summary>A token call that stalls holds no caller beyond the bounds, and a caller that gives up leaves it to the others.</summary>
[Collection(RunsAloneCollection.Name)]
public sealed class AccTokenBoundsTests
{
    [Fact]
    public async Task GetTokenAsync_TokenBodyStalls_EveryCallerFailsWithinBoundSharingOneCall()
    {
        var ct = TestContext.Current.CancellationToken;
        HostileUpstream? server = null;
        await using var upstream = server = await HostileUpstream.StartAsync(
            static _ => Task.CompletedTask,
            async context =>
            {
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = 120;
                await context.Response.WriteAsync("""{"access_token":"tok""", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await server!.StallAsync(context);
            },
            ct);
        await using var host = AccTestHost.Start(upstream.Connection, HostileUpstream.ShortBounds);

        var clock = Stopwatch.StartNew();
        var callers = Enumerable.Range(0, 8).Select(_ => host.Tokens.GetTokenAsync(host.Connection, ct).AsTask()).ToList();
        var errors = new List<AccMalformedResponseException>();
        foreach (var caller in callers)
        {
            errors.Add(await Assert.ThrowsAsync<AccMalformedResponseException>(() => caller));
        }

        // Three attempts of 0.5 s each, shared by all eight callers: never eight times that.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(15));
        Assert.Equal(3, upstream.Count(HostileUpstream.TokenEndpoint));
        Assert.All(errors, e => Assert.Equal(HostileUpstream.TokenEndpoint, e.Endpoint));
        Assert.All(errors, e => Assert.Matches(@"^the body stalled after 20 bytes for \d+(\.\d)? s$", e.Reason));
        Assert.All(errors, e => Assert.True(e.IsTransient));
    }

    [Fact]
    public async Task GetTokenAsync_CallerCancelsWhileTokenCallStalls_LeavesAtOnceAndOtherCallerGetsTheToken()
    {
        var ct = TestContext.Current.CancellationToken;
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HostileUpstream? server = null;
        await using var upstream = server = await HostileUpstream.StartAsync(
            static _ => Task.CompletedTask,
            async context =>
            {
                arrived.TrySetResult();
                await release.Task.WaitAsync(context.RequestAborted);
                await server!.GoodTokenAsync(context);
            },
            ct);

        // The body bound is long here: only the caller's own token may end its wait.
        await using var host = AccTestHost.Start(upstream.Connection, new Dictionary<string, string> { ["AttemptTimeout"] = "00:01:00" });
        using var leaving = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var quitter = host.Tokens.GetTokenAsync(host.Connection, leaving.Token).AsTask();
        var stayer = host.Tokens.GetTokenAsync(host.Connection, ct).AsTask();
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);

        var clock = Stopwatch.StartNew();
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => quitter);
        var left = clock.Elapsed;
        Assert.False(stayer.IsCompleted, "the other caller still waits for the same call");
        release.SetResult();
        var token = await stayer.WaitAsync(TimeSpan.FromSeconds(10), ct);

        Assert.InRange(left, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Equal("token-1", token.AccessToken);
        Assert.Equal(1, upstream.Count(HostileUpstream.TokenEndpoint));
        Assert.Same(token, await host.Tokens.GetTokenAsync(host.Connection, ct));
    }

    [Fact]
    public async Task GetTokenAsync_AfterAFailedCall_NextCallerStartsANewCall()
    {
        var ct = TestContext.Current.CancellationToken;
        var calls = 0;
        HostileUpstream? server = null;
        await using var upstream = server = await HostileUpstream.StartAsync(
            static _ => Task.CompletedTask,
            context => Interlocked.Increment(ref calls) == 1
                ? HostileUpstream.WriteJsonAsync(context, """{"token_type":"Bearer"}""")
                : server!.GoodTokenAsync(context),
            ct);
        await using var host = AccTestHost.Start(upstream.Connection, new Dictionary<string, string>(HostileUpstream.ShortBounds) { ["MalformedRetries"] = "0" });

        var error = await Assert.ThrowsAsync<AccMalformedResponseException>(async () => await host.Tokens.GetTokenAsync(host.Connection, ct));
        var token = await host.Tokens.GetTokenAsync(host.Connection, ct);

        Assert.Equal("the token answer has no access_token or expires_in", error.Reason);
        Assert.Equal("token-1", token.AccessToken);
        Assert.Equal(2, upstream.Count(HostileUpstream.TokenEndpoint));
    }
}
