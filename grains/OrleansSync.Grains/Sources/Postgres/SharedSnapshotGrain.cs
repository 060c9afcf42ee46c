using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrleansSync.Projects;
using OrleansSync.Security;
using OrleansSync.Tasks;

namespace OrleansSync.Sources.Postgres;

/// <summary>
/// Holds a run's exported snapshot (<see cref="ISharedSnapshotGrain"/>) in memory only: the transaction lives as long
/// as this activation. Should its silo die, readers that join later get a new snapshot (or take their own when the old
/// id is gone), so the tables read before and after are no longer of one instant; tables read whole by then are not.
/// </summary>
public sealed partial class SharedSnapshotGrain(PostgresSourceKind kind, ILocalSiloDetails silo, ILogger<SharedSnapshotGrain> logger) : Grain, ISharedSnapshotGrain
{
    // How often the holder checks that its run is still the project's current one: a run that ended without every
    // table done (a task failed or was cancelled) must not keep a transaction open on the source.
    private static readonly TimeSpan WatchPeriod = TimeSpan.FromSeconds(30);

    private ISourceConnection? _connection;
    private NpgsqlConnection? _source;
    private NpgsqlTransaction? _transaction;
    private IGrainTimer? _watch;
    private HashSet<string> _pending = [];
    private string? _snapshot;
    private string? _runId;
    private string? _projectId;

    public async Task<string?> JoinAsync(SyncTaskSpec spec, CancellationToken cancellationToken = default)
    {
        GrainInput.Required(spec, "The task's spec");
        if (_snapshot is not null)
        {
            return _snapshot;
        }

        var run = (await GrainFactory.GetGrain<IProjectGrain>(ProjectIds.Normalize(spec.ProjectId)).GetAsync(cancellationToken))?.CurrentRun;
        if (run is null || run.RunId != spec.RunId || run.Tasks.Count < 2)
        {
            return null;
        }

        try
        {
            _connection = await kind.ConnectAsync(spec, silo.Name, cancellationToken);
            _source = await ((PostgresSourceConnection)_connection).OpenAsync(cancellationToken);
            _transaction = await _source.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            await using var export = new NpgsqlCommand("SET TRANSACTION READ ONLY; SELECT pg_export_snapshot()", _source, _transaction);
            _snapshot = (string?)await export.ExecuteScalarAsync(cancellationToken);
        }
        catch (Exception e) when (e is SourceException or NpgsqlException or InvalidRequestException)
        {
            // The readers meet the same source, and say what is wrong with it in their own task's errors.
            LogWarningNotExported(logger, e, spec.ProjectId, spec.RunId);
            await CloseAsync(deactivate: true);
            return null;
        }

        (_pending, _runId, _projectId) = ([.. run.Tasks.Select(static t => t.Stream)], spec.RunId, ProjectIds.Normalize(spec.ProjectId));
        _watch = this.RegisterGrainTimer(
            static (grain, ct) => grain.WatchAsync(ct),
            this,
            new GrainTimerCreationOptions { DueTime = WatchPeriod, Period = WatchPeriod, Interleave = false, KeepAlive = true });
        LogInformationExported(logger, _projectId, _runId, _pending.Count);
        return _snapshot;
    }

    public async Task DoneAsync(string stream, CancellationToken cancellationToken = default)
    {
        GrainInput.Text(stream, "The stream");
        if (_pending.Remove(stream) && _pending.Count == 0)
        {
            await CloseAsync(deactivate: true);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => CloseAsync(deactivate: false);

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var run = (await GrainFactory.GetGrain<IProjectGrain>(_projectId!).GetAsync(cancellationToken))?.CurrentRun;
        if (run?.RunId != _runId)
        {
            await CloseAsync(deactivate: true);
        }
    }

    private async Task CloseAsync(bool deactivate)
    {
        _watch?.Dispose();
        _watch = null;
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
        }

        if (_source is not null)
        {
            await _source.DisposeAsync();
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        (_transaction, _source, _connection, _snapshot) = (null, null, null, null);
        _pending.Clear();
        if (deactivate)
        {
            DeactivateOnIdle();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Project {ProjectId} run {RunId}: one snapshot exported for its {Tables} tables")]
    private static partial void LogInformationExported(ILogger logger, string projectId, string runId, int tables);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Project {ProjectId} run {RunId}: no snapshot exported to share; each table takes its own")]
    private static partial void LogWarningNotExported(ILogger logger, Exception exception, string projectId, string runId);
}
