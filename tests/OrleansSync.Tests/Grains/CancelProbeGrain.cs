namespace OrleansSync.Tests.Grains;

public sealed class CancelProbeGrain : Grain, ICancelProbeGrain
{
    public Task ThrowCancelledAsync(CancellationToken cancellationToken = default) =>
        throw new OperationCanceledException("Cancelled by the callee, not by its caller.");

    public Task WaitForCancelAsync(CancellationToken cancellationToken = default) => Task.Delay(Timeout.Infinite, cancellationToken);

    public async Task<string> CallAndNameFailureAsync(string target, bool cancelOwnToken)
    {
        var other = GrainFactory.GetGrain<ICancelProbeGrain>(target);
        using var own = new CancellationTokenSource();
        try
        {
            if (cancelOwnToken)
            {
                own.CancelAfter(TimeSpan.FromMilliseconds(200));
                await other.WaitForCancelAsync(own.Token);
            }
            else
            {
                await other.ThrowCancelledAsync(own.Token);
            }

            return "none";
        }
        catch (Exception e)
        {
            return e.GetType().Name;
        }
    }
}
