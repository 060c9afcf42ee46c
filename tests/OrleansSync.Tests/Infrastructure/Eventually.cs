using System.Diagnostics;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>Waits for a condition with a deadline, polling: the tests' only way to wait.</summary>
public static class Eventually
{
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return clock.Elapsed;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for: {what}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what, CancellationToken cancellationToken)
        where T : class
    {
        T? value = null;
        await UntilAsync(async () => (value = await probe()) is not null, timeout, what, cancellationToken);
        return value!;
    }
}
