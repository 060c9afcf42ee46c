using Microsoft.Extensions.DependencyInjection;
using OrleansSync.Projects;
using OrleansSync.Secrets;
using OrleansSync.Security;
using OrleansSync.Sources.Acc.Client;
using OrleansSync.Sources.Acc.Streams;
using OrleansSync.Tasks;

namespace OrleansSync.Sources.Acc;

/// <summary>
/// The ACC-shaped REST API as a source kind: workflows and reviews start with the run, review versions and progress
/// follow the run's reviews (they are fetched for the reviews it changed: in an incremental run as the reviews land,
/// in a full run once the reviews task succeeded), and a backfill day reads reviews of one
/// day, then their children. A project names its base URL, OAuth client and the declared variable of its secret.
/// </summary>
public sealed class AccSourceKind : ISourceKind
{
    public const string KindName = "acc";

    private readonly DeclaredSecrets _secrets;
    private readonly Dictionary<string, IStreamRunner> _runners;

    public AccSourceKind(DeclaredSecrets secrets, WorkflowsRunner workflows, ReviewsRunner reviews, BackfillDayRunner backfill, IServiceProvider services)
    {
        _secrets = secrets;
        IStreamRunner[] runners =
        [
            workflows,
            reviews,
            ActivatorUtilities.CreateInstance<ReviewChildrenRunner>(services, StreamNames.ReviewVersions),
            ActivatorUtilities.CreateInstance<ReviewChildrenRunner>(services, StreamNames.ReviewProgress),
            backfill,
        ];
        _runners = runners.ToDictionary(static r => r.Stream, StringComparer.Ordinal);
    }

    public string Name => KindName;

    private static readonly SourceStreams AccStreams = new(
        StreamNames.ProjectStreams,
        new Dictionary<string, string> { [StreamNames.ReviewVersions] = StreamNames.Reviews, [StreamNames.ReviewProgress] = StreamNames.Reviews },
        StreamNames.Backfill,
        FollowAsLanded: true);

    public SourceStreams Streams(ProjectSpec spec) => AccStreams;

    public ProjectSpec Normalise(ProjectSpec spec)
    {
        GrainInput.OptionalText(spec.ClientId, "--client-id");
        GrainInput.OptionalText(spec.UserId, "--user-id");
        var baseUrl = _secrets.ParseDestination(spec.BaseUrl, "--base-url");
        if (string.IsNullOrWhiteSpace(spec.ClientId))
        {
            throw new InvalidRequestException("--client-id is empty: give the OAuth client id of the upstream app.");
        }

        _secrets.ValidateName(spec.ClientSecretVariable, "--client-secret-env");
        if (!string.IsNullOrEmpty(spec.CursorColumn))
        {
            throw new InvalidRequestException("--cursor-column is a setting of postgres sources in --mode cursor: an acc project reads each stream by upstream's updatedAt.");
        }

        return spec with { BaseUrl = baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') };
    }

    public void CheckSecrets(ProjectSpec spec, string silo) =>
        _ = _secrets.Resolve(spec.ClientSecretVariable, silo, "--client-secret-env");

    public ValueTask<ISourceConnection> ConnectAsync(SyncTaskSpec spec, string silo, CancellationToken cancellationToken)
    {
        var baseUrl = _secrets.ParseDestination(spec.BaseUrl, $"The base URL of project {spec.ProjectId}");
        var secret = _secrets.Resolve(spec.ClientSecretVariable, silo, $"the client secret variable of project {spec.ProjectId}");
        return ValueTask.FromResult<ISourceConnection>(new AccConnection(baseUrl, spec.ClientId, secret, spec.UserId));
    }

    public IStreamRunner? Runner(string stream) => _runners.GetValueOrDefault(stream);
}

/// <summary>The ACC connection of a run, for the ACC runners.</summary>
internal static class AccStreamRun
{
    public static AccConnection Acc(this StreamRun run) =>
        run.Connection as AccConnection
        ?? throw new InvalidOperationException($"Task {run.Spec.TaskId} reads ACC stream {run.Spec.Stream} with a {run.Connection.GetType().Name}, not an ACC connection.");
}
