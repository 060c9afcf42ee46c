namespace OrleansSync.RateBudget;

/// <summary>
/// Where each attempt to upstream waits for its turn under the credential's rate limit. A source's client asks it; the
/// silo's is the cluster-wide budget (<see cref="SiloCallPermits"/>); a host without one sends at once (<see cref="Unpaced"/>).
/// </summary>
public interface ICallPermits
{
    /// <summary>Returns when one call of <paramref name="family"/> may be sent for <paramref name="project"/>.</summary>
    /// <param name="clientId">The credential's client id; with the base URL's host it names the budget.</param>
    /// <param name="baseUrl">The upstream the call goes to.</param>
    /// <param name="family"><c>reviews</c>, <c>admin</c> or <c>token</c>: each has its own limit.</param>
    /// <param name="project">The upstream project the call reads, or <c>""</c>: projects get equal shares.</param>
    /// <param name="cancellationToken">Gives up waiting.</param>
    ValueTask AcquireAsync(string clientId, Uri baseUrl, string family, string project, CancellationToken cancellationToken);

    /// <summary>Upstream answered 429 for that family: every silo pauses it for <paramref name="retryAfter"/>.</summary>
    void Throttled(string clientId, Uri baseUrl, string family, TimeSpan retryAfter);

    /// <summary>No budget: every call goes at once, and upstream's 429s alone slow it down.</summary>
    static ICallPermits Unpaced { get; } = new UnpacedPermits();

    private sealed class UnpacedPermits : ICallPermits
    {
        public ValueTask AcquireAsync(string clientId, Uri baseUrl, string family, string project, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public void Throttled(string clientId, Uri baseUrl, string family, TimeSpan retryAfter)
        {
        }
    }
}
