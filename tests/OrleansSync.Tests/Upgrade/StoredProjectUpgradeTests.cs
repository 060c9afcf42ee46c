using Npgsql;
using OrleansSync.Backfills;
using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Upgrade;

/// <summary>
/// An ACC project stored before the source boundary resumes on today's code with no manual step. <c>acc-project-5923893.sql</c>
/// is what commit 5923893 (main just before the boundary) wrote. <see cref="UpgradeFixtureMaker"/> made it on that
/// commit (with its file copied in, <see cref="ServiceId"/> and <see cref="Upstream"/> beside it, and the
/// <c>database</c> and <c>serviceId</c> parameters of <see cref="InProcessCluster.StartAsync"/> added): one silo, the one
/// project of <see cref="Upstream"/> (emulator on port 18779) added and synced (succeeded), its two busiest days
/// backfilled with the first one's review lists looping (that day failed, the other succeeded), then the silo stopped
/// and <c>pg_dump --data-only --column-inserts</c> of <c>orleansstorage</c>, <c>orleansreminderstable</c>, <c>sync.*</c>
/// and <c>acc.*</c> but <c>sync.migrations</c> (the test's database is migrated by the code under test). Its grain state
/// is Orleans' binary serialization of the state types as they were then, without the fields the boundary added.
/// </summary>
public sealed class StoredProjectUpgradeTests
{
    public const string ServiceId = "upgrade-fixture";

    private const string ProjectId = "702436da-d9ff-4bf0-a87e-cbe12cce75d8";
    private const string StoredRunId = "20261207T103208178Z-08d14e";
    private const string BackfillId = "bf-20261207T103210812Z-82bd79";
    private const string ReviewsApi = "GET /construction/reviews/v1/projects/{projectId}";

    private static readonly DateOnly FailedDay = new(2024, 8, 19);

    /// <summary>The upstream the fixture was synced from: the same seed and sizes give the same records, the same port the same stored base URL.</summary>
    public static EmulatorOptions Upstream => new()
    {
        Port = 18779,
        Dataset = { Seed = 2020, Projects = 1, ReviewsPerProject = 60, WorkflowsPerProject = 4, VersionsPerReview = 2, ProgressStepsPerReview = 2, ArchivedShare = 0.2, InactiveWorkflowShare = 0.3 },
        RateLimits = RateLimitOptions.Unlimited,
    };

    [Fact]
    public async Task StoredAccProject_AfterUpgrade_ResumesFromItsCheckpointsAndStaysExact()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(Upstream, ct);
        Assert.Equal(ProjectId, emulator.ProjectIds.Single());
        var database = await TestDatabase.CreateAsync(migrate: true, ct);
        await LoadFixtureAsync(database, ct);
        Environment.SetEnvironmentVariable(SyncDriver.SecretVariable, emulator.DefaultClient.ClientSecret);
        await using var cluster = await InProcessCluster.StartAsync(1, ct, SyncDriver.FastTasks, database, ServiceId);
        var client = cluster.Client;

        // Found as stored: listed, with its settings and last run, and its tasks, whose specs name no kind.
        Assert.Contains(ProjectId, await client.GetGrain<IProjectCatalogGrain>(IProjectCatalogGrain.Key).ListAsync(ct));
        var project = (await client.GetGrain<IProjectGrain>(ProjectId).GetAsync(ct))!;
        Assert.Equal("acc", project.Spec.Source);
        Assert.Equal((StoredRunId, SyncTaskStatus.Succeeded), (project.LastRun!.RunId, project.LastRun.Status));
        Assert.Equal(4, project.LastRun.Tasks.Count);
        foreach (var task in project.LastRun.Tasks)
        {
            var stored = (await client.GetGrain<ISyncTaskGrain>(task.TaskId).GetAsync(ct))!;
            Assert.Equal((SyncTaskStatus.Succeeded, (string?)null), (stored.Status, stored.Spec.Source));
        }

        Assert.True((await MirrorComparison.CompareAsync(database, emulator, ProjectId, ct)).None, "the fixture's mirror equals its upstream");

        // An incremental run reads from the stored mark: only the reviews changed since, with their children.
        var mutation = emulator.Mutate(12);
        emulator.ResetStats();
        var (run, tasks) = await SyncDriver.SyncToEndAsync(client, ProjectId, full: false, ct);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        Assert.All(tasks, static t => Assert.Equal("acc", t.Spec.Source));
        var differences = await MirrorComparison.CompareAsync(database, emulator, ProjectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        var changedReviews = mutation.Changes.Where(static c => c.Kind != "workflowToggled").Select(static c => c.Id).Distinct().Count();
        Assert.InRange(changedReviews, 1, differences.ExpectedReviews - 1);
        Assert.Equal(changedReviews, tasks.Single(static t => t.Spec.Stream == "reviews").Progress.RecordsRead);
        var stats = emulator.GetStats();
        Assert.Equal(changedReviews, stats.Count($"{ReviewsApi}/reviews/{{reviewId}}/versions"));
        Assert.Equal(changedReviews, stats.Count($"{ReviewsApi}/reviews/{{reviewId}}/progress"));

        // The stored backfill, which names no kind either, retries its failed day on today's code.
        var backfill = client.GetGrain<IBackfillGrain>(BackfillId);
        var failed = (await backfill.GetAsync(ct))!;
        Assert.Equal(SyncTaskStatus.Failed, failed.Status);
        Assert.Equal([FailedDay], failed.Days.Where(static d => d.Status == SyncTaskStatus.Failed).Select(static d => d.Day));
        await backfill.RetryDayAsync(FailedDay, ct);
        await Eventually.UntilAsync(
            async () => (await backfill.GetAsync(ct))!.FinishedAt is not null,
            TimeSpan.FromSeconds(30),
            "the retried day to run and the backfill to end: a backfill stored before kinds names none, and its days must run as the default kind's",
            ct);

        var retried = (await backfill.GetAsync(ct))!;
        Assert.True(retried.Status == SyncTaskStatus.Succeeded, retried.Days[0].Final is { } final ? string.Join("; ", final.Errors.Select(static e => e.Message)) : retried.Error);
        differences = await MirrorComparison.CompareAsync(database, emulator, ProjectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
    }

    /// <summary>Runs the dump on a connection of its own: it sets the session's search_path, which must not go back to a pool.</summary>
    private static async Task LoadFixtureAsync(TestDatabase database, CancellationToken ct)
    {
        var sql = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "OrleansSync.Tests", "Upgrade", "acc-project-5923893.sql"), ct);
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var load = new NpgsqlCommand(sql, connection);
        await load.ExecuteNonQueryAsync(ct);
    }
}
