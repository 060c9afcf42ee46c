using Microsoft.Extensions.DependencyInjection;
using OrleansSync.Sources.Acc.Client;
using Polly.Registry;

namespace OrleansSync.Tests.Acc;

/// <summary>
/// The malformed-answer retry runs inside grain calls: every attempt, and the caller after it, must stay on the
/// caller's scheduler (a grain's turn), also after a retry's delay.
/// </summary>
public sealed class AccMalformedRetryContextTests
{
    [Fact]
    public async Task ExecuteAsync_RetryAfterMalformedAnswer_EveryAttemptRunsOnTheCallersScheduler()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = AccTestHost.Start(new AccConnection(new Uri("http://127.0.0.1:1/"), "client", "secret", AccTestHost.UserId));
        var pipeline = host.Services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(AccMalformedRetry.PipelineName);

        // One scheduler at a time, as a grain's activation: what runs on it sees it as TaskScheduler.Current.
        var turn = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
        var seen = new List<TaskScheduler>();
        var result = await Task.Factory.StartNew(
            () => AccMalformedRetry.ExecuteAsync<string, List<TaskScheduler>>(
                pipeline,
                async (schedulers, token) =>
                {
                    schedulers.Add(TaskScheduler.Current);
                    await Task.Yield();
                    if (schedulers.Count < 3)
                    {
                        throw new AccBodyException("GET reviews", "not a list page");
                    }

                    return "whole";
                },
                seen,
                ct),
            ct,
            TaskCreationOptions.None,
            turn).Unwrap();

        Assert.Equal("whole", result);
        Assert.Equal(3, seen.Count);
        Assert.All(seen, scheduler => Assert.Same(turn, scheduler));
    }
}
