namespace OrleansSync.Acc;

/// <summary>
/// Counts the HTTP requests one page took. It rides on each request's options, and <see cref="Handler"/> sits
/// inside the resilience handler, so every attempt the retry pipeline makes is counted, not just the logical call.
/// </summary>
internal sealed class AccCallCounter
{
    private static readonly HttpRequestOptionsKey<AccCallCounter> Key = new("OrleansSync.Acc.CallCounter");

    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Attach(HttpRequestMessage request) => request.Options.Set(Key, this);

    /// <summary>Registered after the resilience handler, so it runs once per attempt.</summary>
    internal sealed class Handler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Options.TryGetValue(Key, out var counter))
            {
                Interlocked.Increment(ref counter._count);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
