using OrleansSync.Emulator;

namespace OrleansSync.Tests.Acc;

public sealed class AccClientReadTests
{
    [Fact]
    public async Task ReadAllAsync_ActiveAndInactiveWorkflows_ReturnExactlyTheDumpedWorkflows()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions { Dataset = { Seed = 3, Projects = 2, ReviewsPerProject = 1, WorkflowsPerProject = 35, InactiveWorkflowShare = 0.3 } },
            ct);
        await using var host = AccTestHost.Start(emulator, new Dictionary<string, string> { ["PageSize"] = "10" });
        var dump = await AccDump.LoadAsync(emulator, ct);

        foreach (var projectId in emulator.ProjectIds)
        {
            var active = await AccReads.PagesAsync(host, host.Client.WorkflowsUrl(host.Connection, projectId, "ACTIVE"), ct);
            var inactive = await AccReads.PagesAsync(host, host.Client.WorkflowsUrl(host.Connection, projectId, "INACTIVE"), ct);

            Assert.True(active.Count > 1, "ACTIVE workflows span several pages");
            Assert.NotEmpty(inactive.SelectMany(p => p.Records));
            Assert.All(active.SelectMany(p => p.Records), w => Assert.Equal("ACTIVE", w.GetProperty("status").GetString()));
            Assert.All(inactive.SelectMany(p => p.Records), w => Assert.Equal("INACTIVE", w.GetProperty("status").GetString()));
            AccReads.AssertSameRecords(dump.Workflows(projectId), active.Concat(inactive).SelectMany(p => p.Records), AccReads.Id);
        }
    }

    [Fact]
    public async Task ReadAllAsync_ActiveAndArchivedReviews_ReturnExactlyTheDumpedReviewsOverSeveralPages()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions { Dataset = { Seed = 5, Projects = 2, ReviewsPerProject = 130, ArchivedShare = 0.2 } },
            ct);
        await using var host = AccTestHost.Start(emulator);
        var dump = await AccDump.LoadAsync(emulator, ct);

        foreach (var projectId in emulator.ProjectIds)
        {
            // Either form of the project id reads the same list.
            var active = await AccReads.PagesAsync(host, host.Client.ReviewsUrl(host.Connection, "b." + projectId, archived: false, updatedSince: null), ct);
            var archived = await AccReads.PagesAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, archived: true, updatedSince: null), ct);

            var activeCount = active.Sum(p => p.Records.Count);
            Assert.Equal(Enumerable.Range(0, active.Count).Select(i => i * 50), active.Select(p => p.Offset));
            Assert.All(active, p => Assert.Equal(activeCount, p.TotalResults));
            Assert.All(active[..^1], p => Assert.Equal(50, p.Records.Count));
            Assert.Null(active[^1].NextUrl);
            Assert.True(active.Count >= 3, "active reviews span at least three pages");
            Assert.All(active.SelectMany(p => p.Records), r => Assert.False(r.GetProperty("archived").GetBoolean()));
            Assert.All(archived.SelectMany(p => p.Records), r => Assert.True(r.GetProperty("archived").GetBoolean()));
            Assert.NotEmpty(archived.SelectMany(p => p.Records));
            AccReads.AssertSameRecords(dump.Reviews(projectId), active.Concat(archived).SelectMany(p => p.Records), AccReads.Id);
        }
    }

    [Fact]
    public async Task ReadAllAsync_ReviewVersionsAndProgress_ReturnTheDumpedChildren()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions { Dataset = { Seed = 9, Projects = 1, ReviewsPerProject = 6, VersionsPerReview = 4, ProgressStepsPerReview = 5 } },
            ct);
        await using var host = AccTestHost.Start(emulator);
        var dump = await AccDump.LoadAsync(emulator, ct);
        var projectId = emulator.ProjectIds[0];

        foreach (var reviewId in dump.Reviews(projectId).Select(AccReads.Id))
        {
            var versions = await AccReads.RecordsAsync(host, host.Client.ReviewVersionsUrl(host.Connection, projectId, reviewId), ct);
            var progress = await AccReads.RecordsAsync(host, host.Client.ReviewProgressUrl(host.Connection, projectId, reviewId), ct);

            AccReads.AssertSameRecords(dump.Versions(projectId, reviewId), versions, static v => v.GetProperty("urn").GetString()!);
            AccReads.AssertSameSequence(dump.Progress(projectId, reviewId), progress);
        }
    }

    [Fact]
    public async Task ReadAllAsync_AdminProjects_FollowsLinksUntilNextUrlIsNull()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions { Dataset = { Seed = 4, Projects = 5, ReviewsPerProject = 0 } },
            ct);
        await using var host = AccTestHost.Start(emulator, new Dictionary<string, string> { ["AdminPageSize"] = "2" });
        var dump = await AccDump.LoadAsync(emulator, ct);

        var pages = await AccReads.PagesAsync(host, host.Client.ProjectsUrl(host.Connection, emulator.AccountId), ct);

        Assert.Equal([0, 2, 4], pages.Select(p => p.Offset));
        Assert.Null(pages[^1].NextUrl);
        AccReads.AssertSameRecords(dump.Projects(), pages.SelectMany(p => p.Records), AccReads.Id);
    }

    [Fact]
    public async Task GetPageAsync_FreshCache_CountsTheTokenCallInTheFirstPageOnly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(new EmulatorOptions { Dataset = { Seed = 2, Projects = 1, ReviewsPerProject = 120 } }, ct);
        await using var host = AccTestHost.Start(emulator);

        var pages = await AccReads.PagesAsync(host, host.Client.ReviewsUrl(host.Connection, emulator.ProjectIds[0], false, null), ct);

        Assert.Equal(2, pages[0].Calls);
        Assert.All(pages.Skip(1), p => Assert.Equal(1, p.Calls));
        Assert.Equal(emulator.GetStats().Total, pages.Sum(p => p.Calls));
    }
}
