using Npgsql;
using Orleans.Storage;

namespace OrleansSync.Resilience;

/// <summary>
/// A grain's bookkeeping that must get done however often PostgreSQL or a peer fails (a project's runs, a backfill's
/// days): one advance at a time (a call arriving mid-advance makes it go round again); state a failed step left
/// unsaved is written first; a failure arms a retry with backoff on a grain timer that interleaves, because the
/// grain's tasks may be calling it right then. <see cref="AdvanceAsync"/> never throws. Two failures are not retried:
/// an ETag conflict (another activation wrote the state: this one is stale, so it stops writing and deactivates, and
/// the next activation reloads the state and carries on), and a write PostgreSQL refuses for good (a data or
/// constraint error: the same write would be refused forever), which the owner ends its work with.
/// </summary>
/// <param name="owner">The grain whose timer retries.</param>
/// <param name="writeState">Writes the grain's state.</param>
/// <param name="step">One pass over the steps that are due; each is idempotent and recorded once done.</param>
/// <param name="backoff">The wait before retry n (1, 2, ...).</param>
/// <param name="failed">Told of each failure and the wait before the retry (to log it).</param>
/// <param name="refusedForGood">Ends the owner's work (as failed, naming the error) after a write PostgreSQL refuses for good.</param>
internal sealed class RetriedBookkeeping(
    IGrainBase owner,
    Func<Task> writeState,
    Func<Task> step,
    Func<int, TimeSpan> backoff,
    Action<Exception, TimeSpan> failed,
    Func<PostgresException, Task> refusedForGood)
{
    private bool _stale;
    private bool _advancing;
    private bool _again;
    private bool _unsaved;
    private int _failures;
    private IGrainTimer? _retry;

    public async Task AdvanceAsync()
    {
        if (_stale)
        {
            return;
        }

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
        catch (InconsistentStateException)
        {
            _stale = true;
            _retry?.Dispose();
            owner.DeactivateOnIdle();
        }
        catch (Exception e) when (RefusedForGood(e) is { } refused)
        {
            _unsaved = false;
            await GiveUpAsync(refused);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RetryAfterFailure(e);
        }
        finally
        {
            _advancing = false;
        }
    }

    /// <summary>
    /// A data exception (class 22: bad text, a number out of range) or an integrity constraint violation (class 23):
    /// PostgreSQL refuses the same values every time. Anything else (a lost connection, a lock, a shutdown) may pass later.
    /// </summary>
    internal static PostgresException? RefusedForGood(Exception e) =>
        e is PostgresException { SqlState: [ '2', '2' or '3', ..] } postgres ? postgres : null;

    /// <summary>What PostgreSQL refused, for the run's or backfill's error: its code, constraint and message (never the row's values).</summary>
    internal static string Describe(PostgresException refused) =>
        $"PostgreSQL refused the bookkeeping for good ({refused.SqlState}{(refused.ConstraintName is { } c ? $", constraint {c}" : "")}): {refused.MessageText}";

    private async Task GiveUpAsync(PostgresException refused)
    {
        try
        {
            await refusedForGood(refused);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Ending the work is itself a write: if that fails, retry the whole pass (which ends it again).
            RetryAfterFailure(e);
        }
    }

    private void RetryAfterFailure(Exception e)
    {
        _unsaved = true;
        _failures++;
        var delay = backoff(_failures);
        failed(e, delay);
        RetryIn(delay);
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
