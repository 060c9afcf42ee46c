using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.DependencyInjection;
using Polly.Retry;
using Polly.Telemetry;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// The named pipeline around one whole exchange (request, then body): a malformed answer sends the request again,
/// with backoff, <see cref="AccSourceOptions.MalformedRetries"/> times. The "acc" pipeline inside HttpClient retries
/// by status; this one retries what only reading the body reveals.
/// </summary>
internal static class AccMalformedRetry
{
    public const string PipelineName = "OrleansSync.Acc.Malformed";

    public static void Configure(ResiliencePipelineBuilder builder, AddResiliencePipelineContext<string> context)
    {
        context.EnableReloads<AccSourceOptions>();
        var options = context.GetOptions<AccSourceOptions>();

        // Polly logs each execution's result; ours are pages (whose links carry queries) and tokens. Their type must do.
        var telemetry = context.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        builder.ConfigureTelemetry(new TelemetryOptions(telemetry) { ResultFormatter = static (_, result) => result?.GetType().Name });
        if (options.MalformedRetries == 0)
        {
            return;
        }

        var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger<AccClient>();
        builder.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = options.MalformedRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.BaseDelay,
            MaxDelay = options.MaxDelay,
            ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is AccBodyException),
            OnRetry = args =>
            {
                if (args.Outcome.Exception is AccBodyException malformed)
                {
                    logger.LogWarningMalformedResponse(malformed.Endpoint, malformed.Reason, args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds);
                }

                return ValueTask.CompletedTask;
            },
        });
    }

    /// <summary>Runs <paramref name="attempt"/> until its answer is whole, or raises <see cref="AccMalformedResponseException"/>.</summary>
    public static async Task<TResult> ExecuteAsync<TResult, TState>(
        ResiliencePipeline pipeline,
        Func<TState, CancellationToken, Task<TResult>> attempt,
        TState state,
        CancellationToken cancellationToken)
    {
        var attempts = new StrongBox<int>();
        // Polly's default goes on after a retry's delay wherever the timer fired; a grain's call must come back to the
        // grain's own scheduler, so every attempt (and what follows it) runs in the grain's turn.
        var context = ResilienceContextPool.Shared.Get(continueOnCapturedContext: true, cancellationToken);
        try
        {
            return await pipeline.ExecuteAsync(
                static async (context, call) =>
                {
                    call.attempts.Value++;
                    return await call.attempt(call.state, context.CancellationToken);
                },
                context,
                (attempt, state, attempts));
        }
        catch (AccBodyException e)
        {
            throw new AccMalformedResponseException(e.Endpoint, e.Reason, attempts.Value, e.InnerException);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
