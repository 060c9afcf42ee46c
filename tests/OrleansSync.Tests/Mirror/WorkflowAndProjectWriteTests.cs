using OrleansSync.Pipeline;
using static OrleansSync.Tests.Mirror.AccRecords;

namespace OrleansSync.Tests.Mirror;

public sealed class WorkflowAndProjectWriteTests
{
    private const string TaskId = "task-workflows-1";

    [Fact]
    public async Task WriteWorkflows_InsertThenNewerThenOlder_CountsAndKeepsNewest()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var v1 = Workflow("wf-1", "2024-01-05T08:00:00.000Z").ToElement();
        var v2 = Workflow("wf-1", "2024-02-05T08:00:00.000Z", "INACTIVE").ToElement();

        var inserted = await test.Writer.WriteWorkflowsAsync(ProjectId, [v1, Workflow("wf-2", "2024-01-05T08:00:00.000Z").ToElement()], null, TaskId, ct);
        var updated = await test.Writer.WriteWorkflowsAsync(ProjectId, [v2], null, TaskId, ct);
        var stale = await test.Writer.WriteWorkflowsAsync(ProjectId, [v1], null, TaskId, ct);

        Assert.Equal(new PageWriteResult(2, 0, 0, 0), inserted);
        Assert.Equal(new PageWriteResult(0, 1, 0, 0), updated);
        Assert.Equal(new PageWriteResult(0, 0, 1, 0), stale);
        Assert.True(await test.RawEqualsAsync("acc.workflows", "workflow_id", "wf-1", v2.GetRawText(), ct));
        Assert.Equal(
            (BareProjectId, "Freigabe in zwei Stufen \"rapide\"", "INACTIVE"),
            Assert.Single(await test.Database.ListAsync(
                "SELECT project_id, name, status FROM acc.workflows WHERE workflow_id = 'wf-1'", static r => (r.GetString(0), r.GetString(1), r.GetString(2)), ct)));
    }

    [Fact]
    public async Task WriteProjects_PrefixedIds_StoredWithoutPrefixUnderAccount()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var test = await MirrorTest.CreateAsync(ct);
        var project = Project(ProjectId, "2024-03-01T12:00:00.000Z").ToElement();
        var checkpoint = new Checkpoint("b.9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", StreamNames.Projects, string.Empty, "task-projects-1", """{"offset":20}""");

        var result = await test.Writer.WriteProjectsAsync(
            "b.9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", [project, Project("f00dfeed-0000-4000-8000-000000000001", "2024-03-02T12:00:00.000Z").ToElement()], checkpoint, "task-projects-1", ct);
        var again = await test.Writer.WriteProjectsAsync("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", [project], null, "task-projects-2", ct);

        Assert.Equal(new PageWriteResult(2, 0, 0, 0), result);
        Assert.Equal(new PageWriteResult(0, 0, 1, 0), again);
        Assert.Equal(
            [(BareProjectId, "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "active"), ("f00dfeed-0000-4000-8000-000000000001", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "active")],
            await test.Database.ListAsync("SELECT project_id, account_id, status FROM acc.projects ORDER BY project_id", static r => (r.GetString(0), r.GetString(1), r.GetString(2)), ct));
        Assert.True(await test.RawEqualsAsync("acc.projects", "project_id", BareProjectId, project.GetRawText(), ct));
        Assert.NotNull(await test.Writer.ReadCheckpointAsync("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", StreamNames.Projects, string.Empty, ct));
    }
}
