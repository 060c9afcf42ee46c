using Orleans.Storage;

namespace OrleansSync.Resilience;

/// <summary>
/// A grain's state writes, one at a time. A grain whose timer interleaves with its requests (the bookkeeping retry
/// must, because the grain's tasks may be calling it right then) could otherwise start a second write while the first
/// awaits PostgreSQL: both would carry the same ETag and the second would fail as a conflict with itself. A write that
/// arrives while another runs waits for it, then writes the state as it is by then. A write that finds the state
/// written by another activation (an ETag conflict) makes this activation stale for good: it calls
/// <paramref name="stale"/> (the grain deactivates, and its next activation reloads the state) and throws, also to
/// callers that would otherwise swallow the failure and retry with the same stale ETag forever.
/// </summary>
/// <param name="write">Writes the grain's state.</param>
/// <param name="stale">Called once, on the first ETag conflict.</param>
internal sealed class StateWrites(Func<CancellationToken, Task> write, Action stale)
{
    private Task _last = Task.CompletedTask;

    /// <summary>True after an ETag conflict: this activation must not write again.</summary>
    public bool Stale { get; private set; }

    public Task WriteAsync(CancellationToken cancellationToken = default)
    {
        var next = AfterAsync(_last, cancellationToken);
        _last = next;
        return next;
    }

    private async Task AfterAsync(Task previous, CancellationToken cancellationToken)
    {
        // Its own caller hears how the previous write ended; this one only waits for it (on the grain's scheduler).
        await previous.ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.SuppressThrowing);
        if (Stale)
        {
            throw new InconsistentStateException("This activation's state was written by another activation; it is deactivating and the next one reloads the state.");
        }

        try
        {
            await write(cancellationToken);
        }
        catch (InconsistentStateException)
        {
            Stale = true;
            stale();
            throw;
        }
    }
}
