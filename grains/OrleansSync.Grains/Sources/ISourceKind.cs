using OrleansSync.Projects;
using OrleansSync.Tasks;

namespace OrleansSync.Sources;

/// <summary>
/// One kind of upstream a project mirrors, behind the one boundary the engine knows: the kind supplies its streams,
/// checks its own settings, connects for a task, and gives the runner that reads a stream from its checkpoint and lands
/// each page with the checkpoint in one transaction. Each kind lives in its own folder under <c>Sources/</c> (its
/// client, runners and mirror tables) and registers with <see cref="SourceServiceCollectionExtensions.AddSourceKind{TKind}"/>;
/// tasks, projects, backfills, checkpoints, progress, breakers, the rate budget and placement know no kind.
/// </summary>
public interface ISourceKind
{
    /// <summary>The kind's name: <see cref="ProjectSpec.Source"/>, <c>project add --source</c>.</summary>
    string Name { get; }

    /// <summary>
    /// The streams of <paramref name="spec"/>, a project of this kind: a kind may fix them (ACC's record types) or take
    /// them from the project's settings (a PostgreSQL source's tables).
    /// </summary>
    SourceStreams Streams(ProjectSpec spec);

    /// <summary>
    /// Checks and normalises the kind's own settings of a project (where it reads, as whom, which declared secret), at
    /// <c>project add</c>; every refusal is an <see cref="InvalidRequestException"/> naming the setting.
    /// </summary>
    ProjectSpec Normalise(ProjectSpec spec);

    /// <summary>Checks that <paramref name="silo"/> can resolve the project's declared secrets; every silo needs them, and a task on one without fails naming both.</summary>
    void CheckSecrets(ProjectSpec spec, string silo);

    /// <summary>
    /// Checks at <c>project add</c>, from the silo taking it, what only the source itself can tell (its tables exist,
    /// it lets us in): a refusal is an <see cref="InvalidRequestException"/> naming the table or setting. A kind whose
    /// settings say it all checks nothing here.
    /// </summary>
    ValueTask CheckSourceAsync(ProjectSpec spec, string silo, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Connects for one run of a task: checks its destination again (a project stored before a rule, or by another
    /// client, must not make this silo send a secret where it may not go) and resolves its declared secrets here.
    /// </summary>
    /// <summary>
    /// Undoes, at <c>project remove</c>, what the project made on its source (a PostgreSQL capture's replication slots
    /// and publications). Returns null when nothing is left there, else what is left, why, and how to remove it by hand:
    /// the project is removed either way, since a source gone for good must not keep it forever.
    /// </summary>
    ValueTask<string?> RemoveAsync(ProjectSpec spec, string silo, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);

    /// <summary>
    /// Where the source of a project whose tasks stream is now, as a number that grows with every change committed
    /// there (a PostgreSQL capture's LSN): a task whose applied position reaches it has landed everything committed
    /// before. Null for a kind or mode whose runs end on their own. Throws <see cref="SourceException"/> when the source
    /// cannot tell.
    /// </summary>
    ValueTask<ulong?> PositionAsync(ProjectSpec spec, string silo, CancellationToken cancellationToken) => ValueTask.FromResult<ulong?>(null);

    /// <summary>
    /// For a task whose stream does not end (a PostgreSQL capture), where its source is now and what it has confirmed
    /// of this task's stream (<see cref="SourceLag"/>); null for a kind or mode whose runs end.
    /// </summary>
    ValueTask<SourceLag?> LagAsync(SyncTaskSpec spec, string silo, CancellationToken cancellationToken) => ValueTask.FromResult<SourceLag?>(null);

    /// <summary>
    /// Each stream's mirror and checkpoint as they stand, for a kind with one mirror table per stream (a PostgreSQL
    /// source's tables), read from the cluster's database; the task fields are the project's to fill. Empty for a kind
    /// whose streams share tables.
    /// </summary>
    ValueTask<IReadOnlyList<StreamStanding>> StandingAsync(ProjectSpec spec, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<StreamStanding>>([]);

    /// <summary>
    /// Whether <paramref name="spec"/>'s stream never ends on its own (a PostgreSQL capture): its task runs beside the
    /// silo's run slots (<see cref="Placement.TaskSlots.RunBeside"/>) rather than holding one for good.
    /// </summary>
    bool NeverEnds(SyncTaskSpec spec) => false;

    ValueTask<ISourceConnection> ConnectAsync(SyncTaskSpec spec, string silo, CancellationToken cancellationToken);

    /// <summary>The runner of <paramref name="stream"/> (one of its project's <see cref="SourceStreams.All"/>), or null when the kind has none.</summary>
    IStreamRunner? Runner(string stream);
}
