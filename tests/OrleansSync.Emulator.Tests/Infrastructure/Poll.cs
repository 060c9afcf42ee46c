namespace OrleansSync.Emulator.Tests.Infrastructure;

/// <summary>Waits for a condition with a deadline, never with a bare sleep standing in for it.</summary>
internal static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Condition not met within {timeout}; last value: {value}");
            }

            await Task.Delay(Interval, cancellationToken);
        }
    }
}
