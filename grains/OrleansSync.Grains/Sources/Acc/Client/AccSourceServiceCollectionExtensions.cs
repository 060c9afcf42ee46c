using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansSync.Diagnostics;
using OrleansSync.RateBudget;
using Polly;

namespace OrleansSync.Sources.Acc.Client;

public static class AccSourceServiceCollectionExtensions
{
    /// <summary>
    /// The ACC connector: <see cref="AccClient"/> (typed HttpClient behind the "acc" resilience pipeline), the
    /// silo-wide <see cref="AccTokenCache"/>, the pipeline that sends a request again after a malformed answer,
    /// and <see cref="AccSourceOptions"/> bound from "OrleansSync:Acc".
    /// </summary>
    public static IServiceCollection AddAccSource(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // A second call would stack a second resilience handler on the same clients.
        if (services.Any(static d => d.ServiceType == typeof(AccTokenCache)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<AccSourceOptions>().BindConfiguration(AccSourceOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AccSourceOptions>, AccSourceOptionsValidator>());
        services.AddOptions<RetryAfterOptions>().BindConfiguration(RetryAfterOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetryAfterOptions>, RetryAfterOptionsValidator>());
        services.TryAddSingleton<AccTokenCache>();
        services.TryAddSingleton<AccClockSkew>();
        services.TryAddSingleton<AccDirectTokenIssuer>();
        services.TryAddSingleton<IAccTokenIssuer>(static sp => sp.GetRequiredService<AccDirectTokenIssuer>());
        services.TryAddTransient<AccCallCounter.Handler>();
        services.TryAddSingleton(ICallPermits.Unpaced);
        services.TryAddTransient<AccCallPermitHandler>();
        services.AddMetrics();
        services.TryAddSingleton<UpstreamLatency>();
        services.TryAddTransient<AccLatencyHandler>();
        services.AddResiliencePipeline<string>(AccMalformedRetry.PipelineName, AccMalformedRetry.Configure);

        // The counting, permit and timing handlers go after (inside) the resilience handler, so they see every attempt
        // (each retry waits for its own permit); the timing one last, so it times upstream alone and no permit wait.
        var api = services.AddHttpClient<AccClient>(Configure).RedactLoggedHeaders(static _ => true).ConfigurePrimaryHttpMessageHandler(NoRedirects);
        api.AddResilienceHandler("acc", AccResilience.Configure);
        api.AddHttpMessageHandler<AccCallCounter.Handler>();
        api.AddHttpMessageHandler<AccCallPermitHandler>();
        api.AddHttpMessageHandler<AccLatencyHandler>();

        var token = services.AddHttpClient(AccTokenCache.HttpClientName, Configure).RedactLoggedHeaders(static _ => true).ConfigurePrimaryHttpMessageHandler(NoRedirects);
        token.AddResilienceHandler("acc-token", AccResilience.Configure);
        token.AddHttpMessageHandler<AccCallCounter.Handler>();
        token.AddHttpMessageHandler<AccCallPermitHandler>();
        token.AddHttpMessageHandler<AccLatencyHandler>();
        return services;
    }

    // Credentials go to the base URL's origin only: a redirect is an answer we do not follow (a 307 would repeat the
    // token request, secret and all, wherever it points), so it surfaces as an unexpected status instead.
    private static HttpMessageHandler NoRedirects() => new SocketsHttpHandler { AllowAutoRedirect = false };

    // The resilience pipeline owns every timeout; HttpClient's own 100 s would cut a Retry-After wait short.
    private static void Configure(HttpClient http) => http.Timeout = Timeout.InfiniteTimeSpan;
}
