using Npgsql;
using OrleansSync.Benchmarks.Hosting;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Benchmarks.PgCdc;

/// <summary>
/// What <c>pg-cdc</c> runs on: a source PostgreSQL server of its own (<c>wal_level = logical</c>, a role that may
/// replicate, which the shared server's role may not), its table and writer, the cluster's database, two silo
/// processes and a <c>--mode cdc</c> project capturing the table, its initial copy done and the mirror watched.
/// </summary>
public sealed class CdcSetup : IAsyncDisposable
{
    public const string ProjectId = "bench-pg-cdc";
    public const string MirrorTable = "bench_cdc.changes";
    private const string Variable = "ORLEANSSYNC_SECRET_BENCH_PGCDC";
    private const string TargetSchema = "bench_cdc";

    private readonly List<IAsyncDisposable> _owned = [];

    private CdcSetup()
    {
    }

    public string SourceConnectionString { get; private set; } = "";

    public BenchmarkDatabase Database { get; private set; } = null!;

    public SiloCluster Cluster { get; private set; } = null!;

    public ChangeWriter Writer { get; private set; } = null!;

    public MirrorWatch Watch { get; private set; } = null!;

    public ISyncTaskGrain CaptureTask { get; private set; } = null!;

    /// <param name="initialRows">Rows in the table before the capture starts (its initial copy).</param>
    /// <param name="environment">Settings for both silos beyond the source's connection string.</param>
    /// <param name="cancellationToken">Cancels the setup.</param>
    public static async Task<CdcSetup> StartAsync(int initialRows, IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        var setup = new CdcSetup();
        try
        {
            await setup.StartSourceAsync(initialRows, cancellationToken);
            setup.Database = setup.Own(await BenchmarkDatabase.CreateAsync(cancellationToken));
            var siloEnvironment = new Dictionary<string, string?>(environment) { [Variable] = setup.SourceConnectionString };
            setup.Cluster = setup.Own(await SiloCluster.StartAsync(setup.Database, 2, siloEnvironment, cancellationToken));
            var spec = new ProjectSpec(ProjectId, "postgres", "", "", "", null, [ChangeWriter.Table], null, Variable, "cdc", TargetSchema);
            var project = setup.Cluster.Client.GetGrain<IProjectGrain>(ProjectId);
            await project.ConfigureAsync(spec, cancellationToken);
            var started = await project.SyncAsync(new SyncRequest(null, Full: false, "benchmark"), cancellationToken);
            setup.CaptureTask = setup.Cluster.Client.GetGrain<ISyncTaskGrain>(started.Run.Tasks.Single().TaskId);
            await Poll.UntilAsync(setup.StreamingAsync, TimeSpan.FromMinutes(5), "the capture's initial copy to end", cancellationToken);
            setup.Watch = setup.Own(await MirrorWatch.StartAsync(setup.Database, MirrorTable, cancellationToken));
            return setup;
        }
        catch
        {
            await setup.DisposeAsync();
            throw;
        }
    }

    /// <summary>The source and the mirror compared by an md5 of every row.</summary>
    public async Task<bool> MirrorExactAsync(CancellationToken cancellationToken)
    {
        string[] columns = ["seq", "written_at", "payload", "n"];
        return await TableDigest.Md5Async(SourceConnectionString, ChangeWriter.Table, columns, cancellationToken)
            == await TableDigest.Md5Async(Database.ConnectionString, MirrorTable, columns, cancellationToken);
    }

    /// <summary>The silo process the capture's task runs on, as the task grain says.</summary>
    public async Task<SiloProcess> TaskSiloAsync(CancellationToken cancellationToken)
    {
        var silo = (await CaptureTask.GetAsync(cancellationToken))?.Silo;
        return Cluster.Silos.Single(s => s.Name == silo);
    }

    public async ValueTask DisposeAsync()
    {
        // The cluster stops before the source server, whose slot it streams; the server goes with its database.
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
    }

    private async Task StartSourceAsync(int initialRows, CancellationToken cancellationToken)
    {
        var server = Own(await OwnPostgresServer.CreateAsync(cancellationToken, new Dictionary<string, string> { ["wal_level"] = "logical" }));
        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand("CREATE DATABASE bench_source", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        SourceConnectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "bench_source" }.ConnectionString;
        Writer = Own(await ChangeWriter.CreateAsync(SourceConnectionString, initialRows, cancellationToken));
    }

    private async Task<bool> StreamingAsync()
    {
        var phases = await Database.ListAsync(
            "SELECT cursor::jsonb ->> 'phase' FROM sync.checkpoints WHERE project_id = @p AND stream = @s",
            static r => r.IsDBNull(0) ? "" : r.GetString(0),
            CancellationToken.None,
            ("p", ProjectId),
            ("s", ChangeWriter.Table));
        return phases is ["stream"];
    }

    private T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
