using System.Globalization;
using OrleansSync.Emulator;
using OrleansSync.Tasks;

namespace OrleansSync.Tests.Sync;

/// <summary>
/// An upstream that moves while it is read: a list that drifts between pages, a Date header that runs ahead, changes
/// stamped before the answer that shows them. Each case syncs its own project of the shared emulator.
/// </summary>
public sealed class DriftingUpstreamTests(DriftingUpstreamFixture fixture, ITestOutputHelper output) : IClassFixture<DriftingUpstreamFixture>
{
    private const string ReviewsList = "GET /construction/reviews/v1/projects/{projectId}/reviews";
    private const string ActiveList = "filter[archived]=false";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    /// <summary>
    /// The active list moves after its first page: a review leaves it (every later one shifts a place left, the total
    /// drops), or a review leaves and another joins at its end (the total stays, and only the next page, asked one
    /// record early, shows the move). Either way the list is read again; without it the review that shifted across
    /// the page boundary would be missing. Each case syncs a project of its own.
    /// </summary>
    [Theory]
    [InlineData(HostileKind.DriftAfterPage, 0)]
    [InlineData(HostileKind.ShiftAfterPage, 4)]
    public async Task Sync_ListMovesAfterTheFirstPageIsRead_ListReadAgainAndMirrorExact(HostileKind move, int project)
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[project];
        await SyncDriver.AddProjectAsync(fixture.Cluster.Client, fixture.Emulator, projectId, ct);
        fixture.Emulator.ResetStats();
        fixture.Emulator.AddHostile(new HostileRule(HostileTarget.Reviews, move, Times: 1, Query: ActiveList));

        var (run, tasks) = await SyncDriver.SyncToEndAsync(fixture.Cluster.Client, projectId, full: false, ct, Bound);

        Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        Assert.Equal(1, fixture.Emulator.GetStats().CountHostile(move));
        var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, fixture.Emulator, projectId, ct);
        Assert.True(differences.None, MirrorComparison.Describe(differences));
        output.WriteLine($"{fixture.Emulator.GetStats().Count(ReviewsList)} reviews list calls; {SyncDriver.Describe(tasks)}");
    }

    [Fact]
    public async Task Sync_ListDriftsOnEveryRead_ReviewsTaskFailsNamingTheDriftAndItsSetting()
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[1];
        await SyncDriver.AddProjectAsync(fixture.Cluster.Client, fixture.Emulator, projectId, ct);
        fixture.Emulator.ResetStats();
        fixture.Emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.DriftAfterPage, Query: ActiveList));
        (Projects.RunView Run, List<TaskView> Tasks) ended;
        try
        {
            ended = await SyncDriver.SyncToEndAsync(fixture.Cluster.Client, projectId, full: false, ct, Bound);
        }
        finally
        {
            fixture.Emulator.ClearHostile();
        }

        var reviews = ended.Tasks.Single(static t => t.Spec.Stream == "reviews");
        Assert.True(reviews.Status == SyncTaskStatus.Failed, SyncDriver.Describe(ended.Tasks));
        Assert.Equal(1, reviews.Attempts);
        Assert.Contains(reviews.Errors, static e => e.Message.Contains("the list changed while it was read", StringComparison.Ordinal)
            && e.Message.Contains("OrleansSync:Acc:MaxListRereads", StringComparison.Ordinal));
        // The first read and the 2 allowed again, each stopped by the drift its first page caused, at its second page.
        Assert.Equal(6, fixture.Emulator.GetStats().Count(ReviewsList));
    }

    [Fact]
    public async Task Sync_UpstreamDateADayAhead_IncrementalRunStillPicksUpTheChanges()
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[2];
        await SyncDriver.AddProjectAsync(fixture.Cluster.Client, fixture.Emulator, projectId, ct);
        await WithFaultsAsync(static f => f with { DateSkewSeconds = 86_400 }, async () =>
        {
            var (first, firstTasks) = await SyncDriver.SyncToEndAsync(fixture.Cluster.Client, projectId, full: false, ct, Bound);
            Assert.True(first.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(firstTasks));

            var mutation = fixture.Emulator.Mutate(24);
            Assert.Contains(mutation.Changes, c => c.ProjectId == projectId && c.Kind != "workflowToggled");
            var (second, secondTasks) = await SyncDriver.SyncToEndAsync(fixture.Cluster.Client, projectId, full: false, ct, Bound);

            Assert.True(second.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(secondTasks));
            var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, fixture.Emulator, projectId, ct);
            Assert.True(differences.None, MirrorComparison.Describe(differences));
            output.WriteLine(SyncDriver.Describe(secondTasks));
        });
    }

    [Fact]
    public async Task Sync_ChangeStampedBeforeTheLastRunBeganListing_DefaultOverlapReadsIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var projectId = fixture.Emulator.ProjectIds[3];
        await SyncDriver.AddProjectAsync(fixture.Cluster.Client, fixture.Emulator, projectId, ct);
        await WithFaultsAsync(static f => f with { ReplicationLagMs = 60_000 }, async () =>
        {
            var began = DateTimeOffset.UtcNow;
            var (first, firstTasks) = await SyncDriver.SyncToEndAsync(fixture.Cluster.Client, projectId, full: false, ct, Bound);
            Assert.True(first.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(firstTasks));

            var mutation = fixture.Emulator.Mutate(24);
            var changed = mutation.Changes.Where(c => c.ProjectId == projectId && c.Kind != "workflowToggled").ToList();
            Assert.NotEmpty(changed);
            // Each change is stamped before the first run began listing: only the overlap reaches back to it.
            Assert.All(changed, c => Assert.True(DateTimeOffset.Parse(c.UpdatedAt, CultureInfo.InvariantCulture) < began.AddSeconds(-1), c.UpdatedAt));
            var (second, secondTasks) = await SyncDriver.SyncToEndAsync(fixture.Cluster.Client, projectId, full: false, ct, Bound);

            Assert.True(second.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(secondTasks));
            var differences = await MirrorComparison.CompareAsync(fixture.Cluster.Database, fixture.Emulator, projectId, ct);
            Assert.True(differences.None, MirrorComparison.Describe(differences));
        });
    }

    /// <summary>Runs <paramref name="test"/> with the emulator's faults changed, and puts them back after.</summary>
    private async Task WithFaultsAsync(Func<FaultSettings, FaultSettings> change, Func<Task> test)
    {
        var faults = fixture.Emulator.Faults;
        fixture.Emulator.SetFaults(change(faults));
        try
        {
            await test();
        }
        finally
        {
            fixture.Emulator.SetFaults(faults);
        }
    }
}
