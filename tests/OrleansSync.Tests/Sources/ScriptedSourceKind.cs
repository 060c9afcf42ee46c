using System.Runtime.CompilerServices;
using Npgsql;
using Orleans.TestingHost;
using OrleansSync.Mirror;
using OrleansSync.Pipeline;
using OrleansSync.Projects;
using OrleansSync.Sources;
using OrleansSync.Tasks;

namespace OrleansSync.Tests.Sources;

/// <summary>
/// A source kind the engine has never heard of, for <see cref="SourceBoundaryTests"/>: streams <c>first</c> and
/// <c>second</c> (which follows <c>first</c>), no backfill, three pages of ten records each, every page landed with its
/// checkpoint in one transaction and a resumed run going on after its last one. A project whose id starts with
/// <c>fail-</c> fails in <c>first</c>, for good.
/// </summary>
public sealed class ScriptedSourceKind(NpgsqlDataSource dataSource) : ISourceKind
{
    public const string KindName = "scripted";
    public const int Pages = 3;
    public const int RecordsPerPage = 10;

    public string Name => KindName;

    private static readonly SourceStreams ScriptedStreams = new(["first", "second"], new Dictionary<string, string> { ["second"] = "first" }, Backfill: null);

    public SourceStreams Streams(ProjectSpec spec) => ScriptedStreams;

    public ProjectSpec Normalise(ProjectSpec spec) => spec;

    public void CheckSecrets(ProjectSpec spec, string silo)
    {
    }

    public ValueTask<ISourceConnection> ConnectAsync(SyncTaskSpec spec, string silo, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ISourceConnection>(new Connection());

    public IStreamRunner? Runner(string stream) => ScriptedStreams.Project.Contains(stream) ? new ScriptedRunner(stream, dataSource) : null;

    /// <summary>Adds the kind to every silo of a test cluster.</summary>
    public sealed class Configurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.Services.AddSourceKind<ScriptedSourceKind>();
    }

    private sealed class Connection : ISourceConnection
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class ScriptedRunner(string stream, NpgsqlDataSource dataSource) : IStreamRunner
    {
        public string Stream { get; } = stream;

        public async IAsyncEnumerable<PageLanded> RunAsync(StreamRun run, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (run.Spec.ProjectId.StartsWith("fail-", StringComparison.Ordinal) && Stream == "first")
            {
                throw new InvalidRequestException($"Project {run.Spec.ProjectId} reads nothing: it is scripted to fail.");
            }

            var saved = await CheckpointTable.ReadAsync(dataSource, run.Spec.ProjectId, Stream, run.Scope, cancellationToken);
            var landed = saved?.RunId == run.RunId ? saved.Position : 0;
            for (var position = landed + 1; position <= Pages; position++)
            {
                var result = new PageWriteResult(RecordsPerPage, 0, 0, 0);
                var checkpoint = run.Checkpoint(position, "{}") with { Tally = new PageTally(1, RecordsPerPage, 0, 0, Pages * RecordsPerPage) };
                await PageTransaction.RunAsync(
                    dataSource, [new NpgsqlBatchCommand("SELECT 1")], checkpoint, (_, _) => Task.FromResult(result), static r => r, DateTimeOffset.UtcNow, cancellationToken);
                yield return new PageLanded(checkpoint.Tally, result);
            }
        }
    }
}
