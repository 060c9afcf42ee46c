namespace OrleansSync.RateBudget;

/// <summary>Budget grain keys: <c>{clientId}@{host:port}</c>. Client ids and hosts only: never a secret.</summary>
public static class RateBudgetKey
{
    public static string Of(string clientId, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        return $"{clientId}@{baseUrl.Authority}";
    }

    public static string ClientIdOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var at = key.LastIndexOf('@');
        return at < 0 ? key : key[..at];
    }
}
