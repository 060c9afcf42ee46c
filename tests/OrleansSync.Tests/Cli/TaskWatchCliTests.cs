using System.Text.Json;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Cli;

/// <summary><c>watch</c>, <c>task list</c>'s statuses and <c>task pause|resume|retry</c> as a script sees them.</summary>
[Collection(TwoSiloProcessCollection.Name)]
public sealed class TaskWatchCliTests(TwoSiloProcessFixture fixture)
{
    private Dictionary<string, string> Environment => fixture.Cluster.CliEnvironment();

    [Theory]
    [InlineData("pause")]
    [InlineData("resume")]
    [InlineData("retry")]
    public async Task TaskControl_UnknownTask_ExitsTwoWithAMessage(string verb)
    {
        var result = await Infrastructure.Cli.RunAsync(Environment, TestContext.Current.CancellationToken, "task", verb, $"no-such-task-{verb}", "--json");

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.StdErr}");
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("queued")]
    [InlineData("paused")]
    [InlineData("Running")]
    public async Task TaskList_EveryStatus_Accepted(string status)
    {
        var result = await Infrastructure.Cli.RunAsync(Environment, TestContext.Current.CancellationToken, "task", "list", "--status", status, "--json");

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StdErr}");
        using var document = JsonDocument.Parse(result.StdOut);
        Assert.Equal(JsonValueKind.Array, document.RootElement.GetProperty("tasks").ValueKind);
    }

    [Fact]
    public async Task TaskList_BadStatus_MessageListsEveryStatus()
    {
        var result = await Infrastructure.Cli.RunAsync(Environment, TestContext.Current.CancellationToken, "task", "list", "--status", "sleeping");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("queued", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("paused", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_RunningTaskWithoutRateOrEta_JsonMatchesTaskListAndPlainLineShowsDashes()
    {
        var ct = TestContext.Current.CancellationToken;
        var project = $"watch-{Guid.NewGuid():N}"[..16];
        var taskId = $"{project}:reviews:r1";
        // A row as a task writes it before it has a rate: no silo column counts (silo is null), so other CLI tests see nothing of it.
        await fixture.Cluster.Database.ScalarAsync<int>(
            "INSERT INTO sync.progress (task_id, project_id, stream, status, kind) VALUES (@t, @p, 'reviews', 'running', 'backfill') RETURNING 1",
            ct,
            ("t", taskId),
            ("p", project));
        try
        {
            var watch = await Infrastructure.Cli.RunAsync(Environment, ct, "watch", "--json");
            var list = await Infrastructure.Cli.RunAsync(Environment, ct, "task", "list", "--status", "running", "--json");
            var plain = await Infrastructure.Cli.RunAsync(Environment, ct, "watch", "--once");

            Assert.True(watch.ExitCode == 0, watch.StdErr);
            Assert.True(list.ExitCode == 0, list.StdErr);
            var watched = Task(watch.StdOut, taskId);
            var listed = Task(list.StdOut, taskId);
            Assert.Equal(listed.EnumerateObject().Select(static p => p.Name), watched.EnumerateObject().Select(static p => p.Name));
            foreach (var field in new[] { "kind", "percent", "recordsPerSecond", "eta", "breaker", "silo", "status" })
            {
                Assert.Equal(listed.GetProperty(field).ToString(), watched.GetProperty(field).ToString());
            }

            Assert.Equal("backfill", watched.GetProperty("kind").GetString());
            Assert.Equal(JsonValueKind.Null, watched.GetProperty("percent").ValueKind);
            Assert.True(plain.ExitCode == 0, plain.StdErr);
            var line = Assert.Single(plain.StdOut.Split('\n'), l => l.Contains(project, StringComparison.Ordinal));
            Assert.Contains($"{project} reviews backfill silo=- - - rec/s eta=- breaker=closed", line, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.Cluster.Database.ScalarAsync<int>("DELETE FROM sync.progress WHERE task_id = @t RETURNING 1", ct, ("t", taskId));
        }
    }

    private static JsonElement Task(string json, string taskId)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("taskId").GetString() == taskId).Clone();
    }
}
