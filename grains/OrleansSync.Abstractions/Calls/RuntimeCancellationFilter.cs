namespace OrleansSync.Calls;

/// <summary>
/// A grain call that the runtime cancelled, not its caller, fails as a transient <see cref="OrleansException"/>.
/// In the seconds after a silo dies, the strongly consistent grain directory cancels lookups it sent to the dead
/// silo's partition, and the call they were addressing fails with that <see cref="OperationCanceledException"/>
/// (Orleans 10.4.2): a caller would take it for its own cancellation and stop, where a retry succeeds. Registered on
/// silos and clients.
/// </summary>
public sealed class RuntimeCancellationFilter : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        // Read before the call: the request is reset once the call completes.
        var callerToken = context.Request.GetCancellationToken();
        try
        {
            await context.Invoke();
        }
        catch (OperationCanceledException e) when (!callerToken.IsCancellationRequested)
        {
            throw new OrleansException(
                $"The call {context.InterfaceName}.{context.MethodName} to {context.TargetId} was cancelled by the runtime, not by its caller "
                + "(a silo just died and the grain directory is recovering): try it again.",
                e);
        }
    }
}
