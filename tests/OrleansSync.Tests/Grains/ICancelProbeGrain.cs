namespace OrleansSync.Tests.Grains;

/// <summary>A test grain that ends calls with an <see cref="OperationCanceledException"/>, its own or its caller's.</summary>
[Alias("OrleansSync.Tests.ICancelProbeGrain")]
public interface ICancelProbeGrain : IGrainWithStringKey
{
    /// <summary>Fails with an <see cref="OperationCanceledException"/> of its own; the caller's token is never cancelled.</summary>
    [Alias("ThrowCancelled")]
    Task ThrowCancelledAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until the caller cancels <paramref name="cancellationToken"/>.</summary>
    [Alias("WaitForCancel")]
    Task WaitForCancelAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Calls <paramref name="target"/> from this silo (<see cref="ThrowCancelledAsync"/>, or <see cref="WaitForCancelAsync"/>
    /// with a token this grain cancels after a moment) and returns the type of the exception the call failed with.
    /// </summary>
    [Alias("CallAndName")]
    Task<string> CallAndNameFailureAsync(string target, bool cancelOwnToken);
}
