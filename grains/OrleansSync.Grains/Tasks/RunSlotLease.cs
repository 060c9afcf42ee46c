using OrleansSync.Pipeline;

namespace OrleansSync.Tasks;

/// <summary>
/// A run's hold on one of its silo's run slots (<see cref="Placement.TaskSlots"/>). The run gives it back while it
/// idles, waiting for another task's output, and takes one again, in line, when it has work: a run waiting for the
/// task it follows must not hold the slot that task needs.
/// </summary>
/// <param name="slot">The slot the run took to start.</param>
/// <param name="reacquire">Takes a slot after idling, waiting in line (the task says it is queued meanwhile).</param>
internal sealed class RunSlotLease(IAsyncDisposable slot, Func<CancellationToken, Task<IAsyncDisposable>> reacquire) : IRunIdle, IAsyncDisposable
{
    private IAsyncDisposable? _slot = slot;
    private int _idling;

    /// <summary>The run is idling now: alive, though it lands nothing.</summary>
    public bool Idling => _idling > 0;

    private Func<CancellationToken, Task<IAsyncDisposable>> Reacquire => reacquire;

    public async Task<IAsyncDisposable> BeginAsync(CancellationToken cancellationToken)
    {
        _idling++;
        await ReleaseAsync();
        return new Idle(this, cancellationToken);
    }

    public ValueTask DisposeAsync() => new(ReleaseAsync());

    private async Task ReleaseAsync()
    {
        if (_slot is { } slot)
        {
            _slot = null;
            await slot.DisposeAsync();
        }
    }

    private sealed class Idle(RunSlotLease lease, CancellationToken cancellationToken) : IAsyncDisposable
    {
        private bool _ended;

        public async ValueTask DisposeAsync()
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            try
            {
                // A run stopping (its token fired) ends without a slot; one going on waits in line for one.
                if (!cancellationToken.IsCancellationRequested && lease._slot is null)
                {
                    lease._slot = await lease.Reacquire(cancellationToken);
                }
            }
            finally
            {
                lease._idling--;
            }
        }
    }
}
