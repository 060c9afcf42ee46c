using OrleansSync.Security;

namespace OrleansSync.RateBudget;

/// <summary>Keeps the credentials in memory, in the order they first registered.</summary>
public sealed class RateBudgetRegistryGrain : Grain, IRateBudgetRegistryGrain
{
    private readonly List<string> _credentials = [];

    public Task RegisterAsync(string credential, CancellationToken cancellationToken = default)
    {
        GrainInput.Text(credential, "The credential");
        if (!_credentials.Contains(credential, StringComparer.Ordinal))
        {
            _credentials.Add(credential);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. _credentials]);
}
