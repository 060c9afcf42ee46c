namespace OrleansSync.Pipeline;

/// <summary>
/// What a run is waiting for, other than its source: its calls waiting for their turn at the rate budget, and a
/// follower waiting for its leader to land more. The engine hands one to each run (<see cref="Current"/> flows with
/// the run's async calls into the source's runners and HTTP handlers); a source marks each wait with
/// <see cref="BeginBudget"/> or <see cref="BeginLeader"/>. A run that waits there is slowed, not hung, and says so.
/// </summary>
public sealed class RunWaits
{
    private static readonly AsyncLocal<RunWaits?> Ambient = new();

    private int _budget;
    private int _leader;

    /// <summary>The run the current async flow belongs to, if the engine said.</summary>
    public static RunWaits? Current
    {
        get => Ambient.Value;
        set => Ambient.Value = value;
    }

    /// <summary>Calls of the run waiting for a permit now.</summary>
    public int Budget => Volatile.Read(ref _budget);

    /// <summary>Whether the run has caught up with its leader and waits for it to land more (or to end).</summary>
    public bool Leader => Volatile.Read(ref _leader) > 0;

    /// <summary>Either wait: the run is slowed by it, not hung.</summary>
    public bool Any => Budget > 0 || Leader;

    /// <summary>A call starts waiting for its permit; disposing the result ends the wait.</summary>
    public IDisposable BeginBudget() => new Wait(this, leader: false);

    /// <summary>The run starts waiting for its leader; disposing the result ends the wait.</summary>
    public IDisposable BeginLeader() => new Wait(this, leader: true);

    private void Add(bool leader, int delta) => Interlocked.Add(ref leader ? ref _leader : ref _budget, delta);

    private sealed class Wait : IDisposable
    {
        private readonly RunWaits _owner;
        private readonly bool _leader;
        private int _ended;

        public Wait(RunWaits owner, bool leader)
        {
            (_owner, _leader) = (owner, leader);
            owner.Add(leader, 1);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                _owner.Add(_leader, -1);
            }
        }
    }
}
