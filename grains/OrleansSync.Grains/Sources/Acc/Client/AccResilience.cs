using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSync.RateBudget;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// The pipeline every ACC request goes through: a total timeout around retries with exponential backoff and
/// jitter around a per-attempt timeout. Neither timeout runs while a call waits for its rate-budget permit
/// (<see cref="AccTimeout"/>). A 429 waits at least what its Retry-After says: calling earlier only
/// earns another 429 and burns the client's shared quota.
/// </summary>
internal sealed class AccResilience(TimeProvider time, IOptionsMonitor<RetryAfterOptions> retryAfter, ILogger logger)
{
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        context.EnableReloads<AccSourceOptions>();
        var options = context.GetOptions<AccSourceOptions>();
        var services = context.ServiceProvider;
        var policy = new AccResilience(
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<IOptionsMonitor<RetryAfterOptions>>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger<AccClient>());

        var time = services.GetRequiredService<TimeProvider>();
        builder.AddStrategy(_ => new AccTimeout(options.TotalTimeout, time));
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome)),
                DelayGenerator = policy.RetryAfterDelay,
                OnRetry = policy.OnRetry,
            });
        }

        builder.AddStrategy(_ => new AccTimeout(options.AttemptTimeout, time));
    }

    /// <summary>What is worth another attempt: the answers ACC documents as temporary, and no answer at all.</summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result.StatusCode: var status } => IsTransient(status),
        _ => false,
    };

    public static bool IsTransient(HttpStatusCode status) => status switch
    {
        HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => true,
        >= HttpStatusCode.InternalServerError and <= (HttpStatusCode)599 => true,
        _ => false,
    };

    /// <summary>Retry-After (bounded by MaxPause), when present, replaces the backoff; otherwise null keeps the exponential delay.</summary>
    private ValueTask<TimeSpan?> RetryAfterDelay(RetryDelayGeneratorArguments<HttpResponseMessage> args) =>
        ValueTask.FromResult(AccRetryAfter.Of(args.Outcome.Result, time, retryAfter.CurrentValue.MaxPause) is { Wait: var wait } ? wait + Spread(wait) : (TimeSpan?)null);

    private ValueTask OnRetry(OnRetryArguments<HttpResponseMessage> args)
    {
        var endpoint = args.Context.GetRequestMessage() is { } request ? AccEndpoints.Describe(request) : "(unknown)";
        var delayMs = (long)args.RetryDelay.TotalMilliseconds;
        if (args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests)
        {
            logger.LogWarningThrottled(endpoint, args.AttemptNumber + 1, delayMs);
        }
        else
        {
            var reason = args.Outcome.Result is { } response ? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)
                : args.Outcome.Exception?.GetType().Name ?? "unknown";
            logger.LogInformationRetrying(endpoint, reason, args.AttemptNumber + 1, delayMs);
        }

        return ValueTask.CompletedTask;
    }

    // Callers throttled together would all come back at the same instant and meet the same full window; a
    // little extra (never less) spreads them.
    private static TimeSpan Spread(TimeSpan wait) => wait * (Random.Shared.NextDouble() * 0.1);
}
