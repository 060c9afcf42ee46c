namespace OrleansSync.Benchmarks.Hosting;

/// <summary>Waits for a condition by polling, with a deadline (never a bare sleep).</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what, CancellationToken cancellationToken, TimeSpan? interval = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    public static Task UntilAsync(Func<Task<bool>> probe, TimeSpan timeout, string what, CancellationToken cancellationToken, TimeSpan? interval = null) =>
        UntilAsync(async () => await probe() ? string.Empty : null, timeout, what, cancellationToken, interval);
}
