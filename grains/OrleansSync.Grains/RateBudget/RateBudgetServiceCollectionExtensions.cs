using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansSync.RateBudget;

public static class RateBudgetServiceCollectionExtensions
{
    /// <summary>
    /// Paces this silo's upstream calls under the cluster-wide budgets (<see cref="SiloCallPermits"/>), with limits from
    /// <see cref="RateBudgetOptions"/>, validated at start. Call before registering the source kinds, whose clients
    /// otherwise send unpaced (<see cref="ICallPermits.Unpaced"/>).
    /// </summary>
    public static IServiceCollection AddRateBudget(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddOptions<RateBudgetOptions>().BindConfiguration(RateBudgetOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateBudgetOptions>, RateBudgetOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateBudgetOptions>, CredentialLimitsOptionsValidator>());
        services.TryAddSingleton<RateBudgetMetrics>();
        services.TryAddSingleton<SiloCallPermits>();
        services.Replace(ServiceDescriptor.Singleton<ICallPermits>(static sp => sp.GetRequiredService<SiloCallPermits>()));
        return services;
    }
}
