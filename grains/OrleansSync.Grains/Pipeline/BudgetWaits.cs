namespace OrleansSync.Pipeline;

/// <summary>
/// What a run's calls are doing at the rate budget: how many wait for their turn now. The engine hands one to each
/// run (<see cref="Current"/> flows with the run's async calls into the source's HTTP handlers); a source marks each
/// wait for a permit with <see cref="Begin"/>. A run whose calls wait there is slowed by the budget, not hung, and
/// says so.
/// </summary>
public sealed class BudgetWaits
{
    private static readonly AsyncLocal<BudgetWaits?> Ambient = new();

    private int _waiting;

    /// <summary>The run the current async flow belongs to, if the engine said.</summary>
    public static BudgetWaits? Current
    {
        get => Ambient.Value;
        set => Ambient.Value = value;
    }

    /// <summary>Calls of the run waiting for a permit now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>A call starts waiting for its permit; disposing the result ends the wait.</summary>
    public IDisposable Begin()
    {
        Interlocked.Increment(ref _waiting);
        return new Wait(this);
    }

    private sealed class Wait(BudgetWaits owner) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                Interlocked.Decrement(ref owner._waiting);
            }
        }
    }
}
