namespace OrleansSync.Emulator.Data;

/// <summary>
/// All records of one emulator, behind one reader-writer lock: requests read in parallel, mutations write alone.
/// Readers build their whole response under the lock and write it to the network after leaving it.
/// </summary>
internal sealed class Dataset : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, ProjectState> _byId;

    public Dataset(ulong seed, string accountId, List<ProjectState> projects, RecordFactory factory, long clock)
    {
        Seed = seed;
        AccountId = accountId;
        Projects = projects;
        Factory = factory;
        Clock = clock;
        _byId = projects.ToDictionary(p => p.Id, StringComparer.OrdinalIgnoreCase);
    }

    public ulong Seed { get; }

    public string AccountId { get; }

    /// <summary>Fixed at generation; only their contents change.</summary>
    public IReadOnlyList<ProjectState> Projects { get; }

    public RecordFactory Factory { get; }

    /// <summary>The updatedAt of the last mutation (or a time after every generated one), Unix ms. Read it under the lock.</summary>
    public long Clock { get; private set; }

    /// <summary>Bumped by every write; a cached query result of an older version is stale. Read it under the lock.</summary>
    public long Version { get; private set; }

    /// <summary>Mutations applied so far; it seeds the next one, which keeps runs reproducible.</summary>
    public int MutationCount { get; private set; }

    /// <summary>Finds a project by id, with or without the <c>b.</c> prefix the Data Management API uses.</summary>
    public ProjectState? FindProject(string projectId)
    {
        var id = projectId.StartsWith("b.", StringComparison.OrdinalIgnoreCase) ? projectId[2..] : projectId;
        return _byId.GetValueOrDefault(id);
    }

    public T Read<T>(Func<T> read)
    {
        _lock.EnterReadLock();
        try
        {
            return read();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public T Write<T>(Func<T> write)
    {
        _lock.EnterWriteLock();
        try
        {
            Version++;
            return write();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Starts the next mutation, stamped <paramref name="stampMs"/>, with a random stream of its own. Call under the write lock.</summary>
    public (long Now, DeterministicRandom Random) NextMutation(long stampMs)
    {
        var rng = DeterministicRandom.For(Seed, Salts.Mutation, (ulong)MutationCount);
        MutationCount++;
        return (stampMs, rng);
    }

    /// <summary>A record was given <paramref name="updatedAt"/>: the clock is the latest stamp given. Call under the write lock.</summary>
    public long Stamped(long updatedAt)
    {
        Clock = Math.Max(Clock, updatedAt);
        return updatedAt;
    }

    public void Dispose() => _lock.Dispose();
}
