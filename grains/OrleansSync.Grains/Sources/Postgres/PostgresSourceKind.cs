using Microsoft.Extensions.Options;
using Npgsql;
using OrleansSync.Projects;
using OrleansSync.Secrets;
using OrleansSync.Sources.Postgres.Cursor;
using OrleansSync.Sources.Postgres.Cdc;
using OrleansSync.Tasks;

namespace OrleansSync.Sources.Postgres;

/// <summary>
/// Tables of another PostgreSQL database as a source kind: a project's streams are its tables (<c>--tables</c>), each
/// mirrored under its own name in the project's target schema of the cluster's database. The connection string is a
/// declared secret (<c>--source-conn-env</c>), resolved on the silo that reads. Each mode is a runner behind the same
/// streams (<see cref="PostgresModeRunner"/>).
/// </summary>
public sealed class PostgresSourceKind(DeclaredSecrets secrets, NpgsqlDataSource target, PostgresModeRunner runners, IOptions<PostgresSourceOptions> options, IOptions<CdcOptions> cdcOptions, TimeProvider time) : ISourceKind
{
    public const string KindName = "postgres";

    private const string ConnectionFlag = "--source-conn-env";

    public string Name => KindName;

    public bool NeverEnds(SyncTaskSpec spec) => spec.Mode == PostgresModes.Cdc;

    public SourceStreams Streams(ProjectSpec spec) => new(spec.Streams, new Dictionary<string, string>(), Backfill: null);

    public ProjectSpec Normalise(ProjectSpec spec)
    {
        foreach (var (value, flag) in new[] { (spec.BaseUrl, "--base-url"), (spec.ClientId, "--client-id"), (spec.ClientSecretVariable, "--client-secret-env"), (spec.UserId, "--user-id") })
        {
            if (!string.IsNullOrEmpty(value))
            {
                throw new InvalidRequestException($"{flag} is a setting of acc sources: a postgres source reads the database named by {ConnectionFlag} and takes --tables.");
            }
        }

        secrets.ValidateName(spec.SourceConnectionVariable ?? "", ConnectionFlag);
        var mode = PostgresModes.Normalise(spec.Mode);
        if (spec.Streams.Count == 0)
        {
            throw new InvalidRequestException("--tables is empty: give the source tables to mirror, e.g. --tables public.orders,sales.\"Order Items\".");
        }

        var tables = spec.Streams.Select(t => TableName.Parse(t, "--tables")).Distinct().ToList();
        foreach (var clash in tables.GroupBy(static t => t.Name).Where(static g => g.Count() > 1))
        {
            throw new InvalidRequestException(
                $"--tables lists {string.Join(" and ", clash)}: both would land in the target schema as {SqlIdentifier.Display(clash.Key)}. Mirror them in two projects with different --target-schema.");
        }

        return spec with
        {
            BaseUrl = "",
            ClientId = "",
            ClientSecretVariable = "",
            UserId = null,
            Streams = [.. tables.Select(static t => t.ToString())],
            Mode = mode,
            TargetSchema = TargetSchema.Normalise(spec.TargetSchema, ProjectIds.Normalize(spec.ProjectId)),
            CursorColumn = CursorColumn.Normalise(mode, spec.CursorColumn, [.. tables.Select(static t => t.ToString())]),
        };
    }

    public void CheckSecrets(ProjectSpec spec, string silo) =>
        _ = secrets.Resolve(spec.SourceConnectionVariable ?? "", silo, ConnectionFlag);

    /// <summary>Every table exists, has a primary key and types the mirror can hold, and matches its mirror where there is one.</summary>
    public async ValueTask CheckSourceAsync(ProjectSpec spec, string silo, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = Connect(spec.SourceConnectionVariable, silo, ConnectionFlag);
            await using var source = await connection.OpenAsync(cancellationToken);
            foreach (var stream in spec.Streams)
            {
                var shape = await SnapshotRunner.ReadShapeAsync(source, TableName.Parse(stream, "--tables"), connection.Variable, cancellationToken);
                await MirrorTable.CheckAsync(target, spec.TargetSchema!, shape, cancellationToken);
                if (spec.CursorColumn is { } column)
                {
                    await CursorColumn.CheckOrderableAsync(source, shape, CursorColumn.Find(shape, column, connection.Variable), cancellationToken);
                }
            }

            if (spec.Mode == PostgresModes.Cdc)
            {
                await CdcSource.PrepareAsync(source, spec, connection.Variable, cancellationToken);
            }
        }
        catch (PostgresSourceException e)
        {
            // Known now, so refused now: the user fixes the source or the flags rather than watching a task wait.
            throw new InvalidRequestException(e.Message);
        }
    }

    /// <summary>A capture's slots and publications dropped (see <see cref="CdcRemoval"/>); other modes make nothing on the source.</summary>
    public async ValueTask<string?> RemoveAsync(ProjectSpec spec, string silo, CancellationToken cancellationToken)
    {
        if (spec.Mode != PostgresModes.Cdc)
        {
            return null;
        }

        await using var connection = Connect(spec.SourceConnectionVariable, silo, ConnectionFlag);
        return await CdcRemoval.DropAsync(connection, spec, time, cancellationToken);
    }

    /// <summary>A capture's source WAL position now (<see cref="CdcSource.CurrentLsnAsync"/>); other modes end their runs.</summary>
    public async ValueTask<ulong?> PositionAsync(ProjectSpec spec, string silo, CancellationToken cancellationToken)
    {
        if (spec.Mode != PostgresModes.Cdc)
        {
            return null;
        }

        await using var connection = Connect(spec.SourceConnectionVariable, silo, ConnectionFlag);
        await using var source = await connection.OpenAsync(cancellationToken);
        return (ulong)await CdcSource.CurrentLsnAsync(source, connection.Variable, cancellationToken);
    }

    /// <summary>A capture's slot against the source's WAL (<see cref="CdcSource.SlotPositionsAsync"/>); other modes end their runs.</summary>
    public async ValueTask<SourceLag?> LagAsync(SyncTaskSpec spec, string silo, CancellationToken cancellationToken)
    {
        if (spec.Mode != PostgresModes.Cdc)
        {
            return null;
        }

        var names = CdcNames.For(ProjectIds.Normalize(spec.ProjectId), TableName.Parse(spec.Stream, $"the stream of task {spec.TaskId}"));
        await using var connection = Connect(spec.SourceConnectionVariable, silo, $"the source connection variable of project {spec.ProjectId}");
        await using var source = await connection.OpenAsync(cancellationToken);
        var (current, confirmed) = await CdcSource.SlotPositionsAsync(source, names, connection.Variable, cancellationToken);
        // No slot (not made yet, or dropped): it keeps no WAL, and the task makes one as it copies.
        return confirmed is { } c ? new SourceLag((ulong)current, (ulong)c, (ulong)cdcOptions.Value.MaxSlotLag) : null;
    }

    /// <summary>Each table's mirror rows and checkpoint (<see cref="PostgresStanding"/>).</summary>
    public async ValueTask<IReadOnlyList<StreamStanding>> StandingAsync(ProjectSpec spec, CancellationToken cancellationToken) =>
        await PostgresStanding.ReadAsync(target, spec, cancellationToken);

    public ValueTask<ISourceConnection> ConnectAsync(SyncTaskSpec spec, string silo, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ISourceConnection>(Connect(spec.SourceConnectionVariable, silo, $"the source connection variable of project {spec.ProjectId}"));

    public IStreamRunner? Runner(string stream) => runners;

    private PostgresSourceConnection Connect(string? variable, string silo, string where)
    {
        var connectionString = secrets.Resolve(variable ?? "", silo, where);
        return PostgresSourceConnection.Create(connectionString, variable!, options.Value.ConnectTimeout);
    }
}
