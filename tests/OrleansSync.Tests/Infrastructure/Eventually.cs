using System.Diagnostics;

namespace OrleansSync.Tests.Infrastructure;

/// <summary>Waits for a condition with a deadline, polling: the tests' only way to wait.</summary>
public static class Eventually
{
    /// <summary>
    /// Polls <c>condition</c> until it holds, or throws <see cref="TimeoutException"/> after <c>timeout</c>. A poll that
    /// throws an exception <c>transient</c> accepts (a silo going away, a database restarting) counts as "not yet", and
    /// the last such exception is named in the time-out, so a test that times out says why; any other ends the wait.
    /// </summary>
    public static async Task<TimeSpan> UntilAsync(
        Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken, Func<Exception, bool>? transient = null)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return clock.Elapsed;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException && transient?.Invoke(e) == true)
            {
                last = e;
            }

            if (clock.Elapsed > timeout)
            {
                throw last is null
                    ? new TimeoutException($"Waited {timeout.TotalSeconds:0} s for: {what}")
                    : new TimeoutException($"Waited {timeout.TotalSeconds:0} s for: {what}; the last poll threw {last.GetType().Name}: {last.Message}", last);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    public static async Task<T> ValueAsync<T>(
        Func<Task<T?>> probe, TimeSpan timeout, string what, CancellationToken cancellationToken, Func<Exception, bool>? transient = null)
        where T : class
    {
        T? value = null;
        await UntilAsync(async () => (value = await probe()) is not null, timeout, what, cancellationToken, transient);
        return value!;
    }

    /// <summary>Any failure but a cancellation: for polls across a silo's death, where any call may fail for a while.</summary>
    public static bool AnyFailure(Exception e) => e is not OperationCanceledException;
}
