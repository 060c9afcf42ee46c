using System.Net;
using System.Text;
using System.Text.Json;
using OrleansSync.Backfills;
using OrleansSync.Projects;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Api;

/// <summary>
/// The HTTP API on a real silo process: projects, syncs that answer 202 and are followed at their Location, runs,
/// tasks and their control, and every refusal a problem document that names what was wrong and changes nothing.
/// Each test uses its own project of the fixture's emulator.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ApiTests(ApiFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task Projects_ListedAndShown_UnknownIsA404Problem()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = fixture.Emulator.ProjectIds[0];
        await SyncDriver.AddProjectAsync(fixture.Client, fixture.Emulator, id, ct);

        using var list = await Http.GetAsync("/api/v1/projects", ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var projects = JsonDocument.Parse(await list.Content.ReadAsStringAsync(ct));
        Assert.Contains(projects.RootElement.EnumerateArray(), p => p.GetProperty("spec").GetProperty("projectId").GetString() == id);

        // ACC's older ids carry "b."; the API takes both, as the CLI does.
        using var one = await Http.GetAsync($"/api/v1/projects/b.{id}", ct);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        using var project = JsonDocument.Parse(await one.Content.ReadAsStringAsync(ct));
        Assert.Equal(id, project.RootElement.GetProperty("spec").GetProperty("projectId").GetString());
        Assert.DoesNotContain(fixture.Emulator.DefaultClient.ClientSecret, project.RootElement.GetRawText(), StringComparison.Ordinal);

        await AssertProblemAsync(await Http.GetAsync("/api/v1/projects/no-such-project", ct), HttpStatusCode.NotFound, "no-such-project");
    }

    [Fact]
    public async Task Sync_Posted_Answers202WithALocationWhoseRunSucceedsWithItsTasksAndCounters()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = fixture.Emulator.ProjectIds[1];
        await SyncDriver.AddProjectAsync(fixture.Client, fixture.Emulator, id, ct);

        using var posted = await Http.PostAsync($"/api/v1/projects/{id}/syncs", null, ct);

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        using var accepted = JsonDocument.Parse(await posted.Content.ReadAsStringAsync(ct));
        var runId = accepted.RootElement.GetProperty("runId").GetString()!;
        Assert.Equal($"/api/v1/runs/{runId}", posted.Headers.Location?.OriginalString);
        var run = await PollAsync(
            posted.Headers.Location!.OriginalString, static r => r.GetProperty("status").GetString() != "running", $"run {runId} to end", TimeSpan.FromSeconds(60), ct);
        using (run)
        {
            var root = run.RootElement;
            Assert.Equal("succeeded", root.GetProperty("status").GetString());
            Assert.Equal("http", root.GetProperty("trigger").GetString());
            var tasks = root.GetProperty("tasks").EnumerateArray().ToList();
            Assert.Equal(4, tasks.Count);
            Assert.All(tasks, static t => Assert.Equal("Succeeded", t.GetProperty("status").GetString()));
            var read = tasks.Sum(static t => t.GetProperty("progress").GetProperty("recordsRead").GetInt64());
            Assert.True(read > 0);
            Assert.Equal(read, root.GetProperty("counters").GetProperty("recordsRead").GetInt64());
            Assert.Equal(100.0, root.GetProperty("percent").GetDouble());
        }

        using var runs = JsonDocument.Parse(await Http.GetStringAsync($"/api/v1/projects/{id}/runs?limit=5", ct));
        Assert.Contains(runs.RootElement.EnumerateArray(), r => r.GetProperty("runId").GetString() == runId);
    }

    [Fact]
    public async Task BadInput_EachA400NamingWhatAndNoRunStarts()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = fixture.Emulator.ProjectIds[2];
        await SyncDriver.AddProjectAsync(fixture.Client, fixture.Emulator, id, ct);

        await AssertProblemAsync(await PostJsonAsync($"/api/v1/projects/{id}/syncs", """{"fulll": true}""", ct), HttpStatusCode.BadRequest, "fulll");
        await AssertProblemAsync(await PostJsonAsync($"/api/v1/projects/{id}/syncs", """{"full": "yes"}""", ct), HttpStatusCode.BadRequest, "full");
        await AssertProblemAsync(await PostJsonAsync($"/api/v1/projects/{id}/syncs", """{"full": tru""", ct), HttpStatusCode.BadRequest, "JSON");
        using (var form = new StringContent("full=true", Encoding.UTF8, "application/x-www-form-urlencoded"))
        {
            await AssertProblemAsync(await Http.PostAsync($"/api/v1/projects/{id}/syncs", form, ct), HttpStatusCode.BadRequest, "application/json");
        }

        // The cluster's own refusal names the body's field, not the CLI's flag.
        await AssertProblemAsync(await PostJsonAsync($"/api/v1/projects/{id}/syncs", """{"streams": ["nope"]}""", ct), HttpStatusCode.BadRequest, "'nope' in 'streams'");
        await AssertProblemAsync(await PutJsonAsync($"/api/v1/projects/{id}/schedule", """{"every": "soon"}""", ct), HttpStatusCode.BadRequest, "soon");
        await AssertProblemAsync(await PutJsonAsync($"/api/v1/projects/{id}/schedule", """{"every": 5}""", ct), HttpStatusCode.BadRequest, "every");
        await AssertProblemAsync(await Http.GetAsync($"/api/v1/projects/{id}/runs?limit=0", ct), HttpStatusCode.BadRequest, "limit");
        await AssertProblemAsync(await Http.GetAsync("/api/v1/tasks?status=sleeping", ct), HttpStatusCode.BadRequest, "sleeping");

        var view = await fixture.Client.GetGrain<IProjectGrain>(id).GetAsync(ct);
        Assert.Null(view!.CurrentRun);
        Assert.Null(view.LastRun);
        Assert.Null(view.Schedule);
    }

    [Fact]
    public async Task Task_ShownLiveAndStoredSideBySide_ControlInTheWrongStateIsA409()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = fixture.Emulator.ProjectIds[3];
        await SyncDriver.AddProjectAsync(fixture.Client, fixture.Emulator, id, ct);
        var (run, tasks) = await SyncDriver.SyncToEndAsync(fixture.Client, id, full: false, ct);
        Assert.Equal(OrleansSync.Tasks.SyncTaskStatus.Succeeded, run.Status);
        var taskId = tasks[0].Spec.TaskId;

        // The progress writer stores a terminal row at once, but after the task ends: poll until both agree.
        using var shown = await PollAsync(
            $"/api/v1/tasks/{taskId}", static t => t.GetProperty("consistency").GetString() == "synced", $"task {taskId}'s stored row to match its grain", TimeSpan.FromSeconds(30), ct);
        Assert.Equal("succeeded", shown.RootElement.GetProperty("stored").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, shown.RootElement.GetProperty("difference").ValueKind);

        using var listed = JsonDocument.Parse(await Http.GetStringAsync($"/api/v1/tasks?project={id}", ct));
        Assert.Equal(tasks.Select(static t => t.Spec.TaskId).Order(), listed.RootElement.EnumerateArray().Select(static t => t.GetProperty("taskId").GetString()).Order());

        await AssertProblemAsync(await Http.PostAsync($"/api/v1/tasks/{taskId}/pause", null, ct), HttpStatusCode.Conflict, "running");
        await AssertProblemAsync(await Http.PostAsync($"/api/v1/tasks/{taskId}/resume", null, ct), HttpStatusCode.Conflict, "paused");
        await AssertProblemAsync(await Http.PostAsync("/api/v1/tasks/no-such-task/cancel", null, ct), HttpStatusCode.NotFound, "no-such-task");
        await AssertProblemAsync(await Http.GetAsync("/api/v1/runs/no-such-run", ct), HttpStatusCode.NotFound, "no-such-run");
    }

    [Fact]
    public async Task Remove_UnknownIsA404_AnIdleProjectGoes()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = fixture.Emulator.ProjectIds[4];
        await SyncDriver.AddProjectAsync(fixture.Client, fixture.Emulator, id, ct);

        await AssertProblemAsync(await Http.DeleteAsync("/api/v1/projects/no-such-project", ct), HttpStatusCode.NotFound, "no-such-project");
        using var removed = await Http.DeleteAsync($"/api/v1/projects/{id}", ct);

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Null(await fixture.Client.GetGrain<IProjectGrain>(id).GetAsync(ct));
    }

    [Fact]
    public async Task Backfill_Posted_Answers202AndEveryDaySucceeds_ABadRangeIsA400()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = fixture.Emulator.ProjectIds[6];
        await SyncDriver.AddProjectAsync(fixture.Client, fixture.Emulator, id, ct);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var (from, to) = (BackfillIds.Day(today.AddDays(-3)), BackfillIds.Day(today.AddDays(-2)));

        await AssertProblemAsync(await PostJsonAsync($"/api/v1/projects/{id}/backfills", """{"from": "2026-13-01", "to": "2026-12-01"}""", ct), HttpStatusCode.BadRequest, "YYYY-MM-DD");
        await AssertProblemAsync(await PostJsonAsync($"/api/v1/projects/{id}/backfills", $$"""{"from": "{{to}}", "to": "{{from}}"}""", ct), HttpStatusCode.BadRequest, from);
        await AssertProblemAsync(await PostJsonAsync("/api/v1/projects/no-such-project/backfills", $$"""{"from": "{{from}}", "to": "{{to}}"}""", ct), HttpStatusCode.NotFound, "no-such-project");
        using var posted = await PostJsonAsync($"/api/v1/projects/{id}/backfills", $$"""{"from": "{{from}}", "to": "{{to}}"}""", ct);

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        using var accepted = JsonDocument.Parse(await posted.Content.ReadAsStringAsync(ct));
        Assert.Equal(2, accepted.RootElement.GetProperty("days").GetInt32());
        using var backfill = await PollAsync(
            posted.Headers.Location!.OriginalString, static b => b.GetProperty("finishedAt").ValueKind != JsonValueKind.Null, "the backfill to end", TimeSpan.FromSeconds(60), ct);
        Assert.Equal("Succeeded", backfill.RootElement.GetProperty("status").GetString());
        Assert.Equal([from, to], backfill.RootElement.GetProperty("days").EnumerateArray().Select(static d => d.GetProperty("day").GetString()));
    }

    [Fact]
    public async Task Api_WithoutTheCredential_Is401_AndTheOpenApiDocumentListsTheRoutes()
    {
        var ct = TestContext.Current.CancellationToken;

        await AssertProblemAsync(await fixture.Stranger.GetAsync("/api/v1/projects", ct), HttpStatusCode.Unauthorized, "credential");
        using var openApi = JsonDocument.Parse(await Http.GetStringAsync("/openapi/v1.json", ct));

        var paths = openApi.RootElement.GetProperty("paths").EnumerateObject().Select(static p => p.Name).ToList();
        Assert.Contains("/api/v1/projects/{id}/syncs", paths);
        Assert.Contains("/api/v1/runs/{runId}", paths);
        Assert.Contains("/api/v1/tasks/{id}/pause", paths);
        Assert.Contains("/api/v1/backfills/{backfillId}", paths);
    }

    /// <summary>GETs <paramref name="path"/> until its document is <paramref name="done"/>.</summary>
    private Task<JsonDocument> PollAsync(string path, Func<JsonElement, bool> done, string what, TimeSpan within, CancellationToken ct) =>
        Eventually.ValueAsync(
            async () =>
            {
                var document = JsonDocument.Parse(await Http.GetStringAsync(path, ct));
                if (done(document.RootElement))
                {
                    return document;
                }

                document.Dispose();
                return null;
            },
            within,
            what,
            ct);

    [Fact]
    public async Task Mutation_FromAnotherSiteOrWithABrowsersBasicLogin_IsRefusedAndStartsNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = fixture.Emulator.ProjectIds[8];
        await SyncDriver.AddProjectAsync(fixture.Client, fixture.Emulator, id, ct);
        var basic = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"orleanssync:{fixture.Credential}")));

        using (var read = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/projects/{id}") { Headers = { Authorization = basic } })
        using (var answer = await fixture.Stranger.SendAsync(read, ct))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        using (var post = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/projects/{id}/syncs") { Headers = { Authorization = basic } })
        {
            await AssertProblemAsync(await fixture.Stranger.SendAsync(post, ct), HttpStatusCode.Unauthorized, "Bearer");
        }

        using (var post = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/projects/{id}/syncs") { Headers = { { "Origin", "https://elsewhere.example" } } })
        {
            await AssertProblemAsync(await Http.SendAsync(post, ct), HttpStatusCode.Forbidden, "elsewhere.example");
        }

        using (var post = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/projects/{id}/syncs") { Headers = { { "Sec-Fetch-Site", "cross-site" } } })
        {
            await AssertProblemAsync(await Http.SendAsync(post, ct), HttpStatusCode.Forbidden, "cross-site");
        }

        var view = await fixture.Client.GetGrain<IProjectGrain>(id).GetAsync(ct);
        Assert.Null(view!.CurrentRun);
        Assert.Null(view.LastRun);
    }

    private Task<HttpResponseMessage> PostJsonAsync(string path, string json, CancellationToken ct) =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), ct);

    private Task<HttpResponseMessage> PutJsonAsync(string path, string json, CancellationToken ct) =>
        Http.PutAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), ct);

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string named)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(body);
            Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Contains(named, problem.RootElement.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        }
    }
}
