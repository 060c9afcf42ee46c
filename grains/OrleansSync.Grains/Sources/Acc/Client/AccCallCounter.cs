namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// Counts the HTTP requests one page took, and how many of them upstream answered 429 (waits it asked for). It rides on each request's options, and <see cref="Handler"/> sits
/// inside the resilience handler, so every attempt the retry pipeline makes is counted, not just the logical call.
/// <see cref="AccLatencyHandler"/>, innermost, adds each attempt's own time and outcome (<see cref="Answered"/>), for the
/// task's adaptive window.
/// </summary>
public sealed class AccCallCounter
{
    private static readonly HttpRequestOptionsKey<AccCallCounter> Key = new("OrleansSync.Acc.CallCounter");

    private int _count;
    private int _throttled;
    private long _upstreamTicks;
    private int _timed;
    private int _serverErrors;
    private int _timeouts;

    public int Count => Volatile.Read(ref _count);

    public int Throttled => Volatile.Read(ref _throttled);

    /// <summary>Time upstream took over the <see cref="TimedCalls"/> attempts: see <see cref="Answered"/>.</summary>
    public TimeSpan UpstreamTime => TimeSpan.FromTicks(Interlocked.Read(ref _upstreamTicks));

    public int TimedCalls => Volatile.Read(ref _timed);

    /// <summary>Attempts answered 5xx, or not answered (refused, reset).</summary>
    public int ServerErrors => Volatile.Read(ref _serverErrors);

    /// <summary>Attempts cut by their timeout.</summary>
    public int Timeouts => Volatile.Read(ref _timeouts);

    public void Attach(HttpRequestMessage request) => request.Options.Set(Key, this);

    /// <summary>The counter riding on <paramref name="request"/>, if any.</summary>
    public static AccCallCounter? Of(HttpRequestMessage request) => request.Options.TryGetValue(Key, out var counter) ? counter : null;

    /// <summary>
    /// One attempt answered after <paramref name="elapsed"/> (timed innermost, so no wait for a permit is in it). A 429
    /// is flow control, not upstream's pace: it is left out of the time, as its Retry-After wait already is.
    /// </summary>
    public void Answered(System.Net.HttpStatusCode status, TimeSpan elapsed)
    {
        if (status == System.Net.HttpStatusCode.TooManyRequests)
        {
            return;
        }

        if ((int)status >= 500)
        {
            Interlocked.Increment(ref _serverErrors);
        }

        AddTime(elapsed);
    }

    /// <summary>One attempt got no answer after <paramref name="elapsed"/>: cut by its timeout, or failed (refused, reset).</summary>
    public void Unanswered(bool timedOut, TimeSpan elapsed)
    {
        Interlocked.Increment(ref timedOut ? ref _timeouts : ref _serverErrors);
        AddTime(elapsed);
    }

    private void AddTime(TimeSpan elapsed)
    {
        Interlocked.Add(ref _upstreamTicks, elapsed.Ticks);
        Interlocked.Increment(ref _timed);
    }

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
