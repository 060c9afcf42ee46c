namespace OrleansSync.Resilience;

/// <summary>
/// A grain's bookkeeping that must get done however often PostgreSQL or a peer fails (a project's runs, a backfill's
/// days): one advance at a time (a call arriving mid-advance makes it go round again); state a failed step left
/// unsaved is written first; a failure arms a retry with backoff on a grain timer that interleaves, because the
/// grain's tasks may be calling it right then. <see cref="AdvanceAsync"/> never throws.
/// </summary>
/// <param name="owner">The grain whose timer retries.</param>
/// <param name="writeState">Writes the grain's state.</param>
/// <param name="step">One pass over the steps that are due; each is idempotent and recorded once done.</param>
/// <param name="backoff">The wait before retry n (1, 2, ...).</param>
/// <param name="failed">Told of each failure and the wait before the retry (to log it).</param>
internal sealed class RetriedBookkeeping(IGrainBase owner, Func<Task> writeState, Func<Task> step, Func<int, TimeSpan> backoff, Action<Exception, TimeSpan> failed)
{
    private bool _advancing;
    private bool _again;
    private bool _unsaved;
    private int _failures;
    private IGrainTimer? _retry;

    public async Task AdvanceAsync()
    {
        if (_advancing)
        {
            _again = true;
            return;
        }

        _advancing = true;
        try
        {
            if (_unsaved)
            {
                await writeState();
                _unsaved = false;
            }

            do
            {
                _again = false;
                await step();
            }
            while (_again);
            _failures = 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _unsaved = true;
            _failures++;
            var delay = backoff(_failures);
            failed(e, delay);
            RetryIn(delay);
        }
        finally
        {
            _advancing = false;
        }
    }

    /// <summary>Advances after <paramref name="delay"/> (e.g. on activation, when a silo may have died mid-step).</summary>
    public void RetryIn(TimeSpan delay)
    {
        _retry?.Dispose();
        _retry = owner.RegisterGrainTimer(
            static (bookkeeping, _) => bookkeeping.AdvanceAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = delay, Period = Timeout.InfiniteTimeSpan, Interleave = true, KeepAlive = true });
    }

    /// <summary>Writes state a step has changed; when that fails, the next advance writes it before anything else.</summary>
    public async Task SaveAsync()
    {
        _unsaved = true;
        await writeState();
        _unsaved = false;
    }
}
