namespace OrleansSync.Acc;

/// <summary>
/// Counts the HTTP requests one page took, and how many of them upstream answered 429 (waits it asked for). It rides on each request's options, and <see cref="Handler"/> sits
/// inside the resilience handler, so every attempt the retry pipeline makes is counted, not just the logical call.
/// </summary>
public sealed class AccCallCounter
{
    private static readonly HttpRequestOptionsKey<AccCallCounter> Key = new("OrleansSync.Acc.CallCounter");

    private int _count;
    private int _throttled;

    public int Count => Volatile.Read(ref _count);

    public int Throttled => Volatile.Read(ref _throttled);

    public void Attach(HttpRequestMessage request) => request.Options.Set(Key, this);

    /// <summary>Registered after the resilience handler, so it runs once per attempt.</summary>
    internal sealed class Handler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!request.Options.TryGetValue(Key, out var counter))
            {
                return await base.SendAsync(request, cancellationToken);
            }

            Interlocked.Increment(ref counter._count);
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
            {
                Interlocked.Increment(ref counter._throttled);
            }

            return response;
        }
    }
}
