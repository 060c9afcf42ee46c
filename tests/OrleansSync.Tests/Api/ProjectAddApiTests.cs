using System.Net;
using System.Text;
using System.Text.Json;
using OrleansSync.Projects;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Api;

/// <summary><c>POST /api/v1/projects</c>: a project added over HTTP syncs; the cluster's rules refuse bad ones in the API's terms.</summary>
[Collection(ApiCollection.Name)]
public sealed class ProjectAddApiTests(ApiFixture fixture)
{
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task Add_Answers201WithItsLocation_ThenSyncs_AndAgainChangesItsSettingsWith200()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = fixture.Emulator.ProjectIds[11];
        var body = Body(id, fixture.Emulator.BaseUrl.AbsoluteUri, SyncDriver.SecretVariable, userId: "first-user");

        using var created = await PostAsync(body, ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/projects/{id}", created.Headers.Location?.OriginalString);
        using (var shown = JsonDocument.Parse(await Http.GetStringAsync(created.Headers.Location!.OriginalString, ct)))
        {
            var spec = shown.RootElement.GetProperty("spec");
            Assert.Equal(("acc", "first-user"), (spec.GetProperty("source").GetString(), spec.GetProperty("userId").GetString()));
            Assert.DoesNotContain(fixture.Emulator.DefaultClient.ClientSecret, shown.RootElement.GetRawText(), StringComparison.Ordinal);
        }

        var (run, _) = await SyncDriver.SyncToEndAsync(fixture.Client, id, full: false, ct);
        Assert.Equal(OrleansSync.Tasks.SyncTaskStatus.Succeeded, run.Status);

        using var changed = await PostAsync(Body(id, fixture.Emulator.BaseUrl.AbsoluteUri, SyncDriver.SecretVariable, userId: "second-user"), ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("second-user", (await fixture.Client.GetGrain<IProjectGrain>(id).GetAsync(ct))!.Spec.UserId);
    }

    [Fact]
    public async Task Add_BadSourcesAreEachA400NamingTheField_AndNothingIsStored()
    {
        var ct = TestContext.Current.CancellationToken;
        var url = fixture.Emulator.BaseUrl.AbsoluteUri;
        var cases = new (string Id, string Json, string Named)[]
        {
            ("api-bad-http", Body("api-bad-http", "http://upstream.example/", SyncDriver.SecretVariable), "source.baseUrl"),
            ("api-bad-secret", Body("api-bad-secret", url, "HOME"), "source.clientSecretEnv"),
            ("api-bad-kind", """{"id": "api-bad-kind", "source": {"kind": "ftp"}}""", "acc"),
            ("api-bad-mix", JsonSerializer.Serialize(new { id = "api-bad-mix", source = new { kind = "acc", baseUrl = url, tables = new[] { "public.t" } } }), "source.tables"),
            ("api-bad-every", Body("api-bad-every", url, SyncDriver.SecretVariable, every: "soon"), "soon"),
            ("api-bad-conn", """{"id": "api-bad-conn", "source": {"kind": "postgres", "connEnv": "ORLEANSSYNC_SECRET_API_NOT_SET", "tables": ["public.t"]}}""", "source.connEnv"),
            ("api-bad-field", """{"id": "api-bad-field", "source": {"kind": "acc"}, "schedule": "10m"}""", "schedule"),
        };

        foreach (var (id, json, named) in cases)
        {
            await ApiTests.AssertProblemAsync(await PostAsync(json, ct), HttpStatusCode.BadRequest, named);
            Assert.Null(await fixture.Client.GetGrain<IProjectGrain>(id).GetAsync(ct));
        }

        await ApiTests.AssertProblemAsync(await PostAsync("""{"source": {"kind": "acc"}}""", ct), HttpStatusCode.BadRequest, "id");
    }

    private Task<HttpResponseMessage> PostAsync(string json, CancellationToken ct) =>
        Http.PostAsync("/api/v1/projects", new StringContent(json, Encoding.UTF8, "application/json"), ct);

    private string Body(string id, string baseUrl, string secretVariable, string? userId = null, string? every = null) =>
        JsonSerializer.Serialize(new
        {
            id,
            source = new { kind = "acc", baseUrl, clientId = fixture.Emulator.DefaultClient.ClientId, clientSecretEnv = secretVariable, userId },
            every,
        });
}
