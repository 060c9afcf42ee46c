using OrleansSync.Pipeline;
using static OrleansSync.Tests.Mirror.AccRecords;

namespace OrleansSync.Tests.Mirror;

public sealed class WorkflowWriteTests
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
}
