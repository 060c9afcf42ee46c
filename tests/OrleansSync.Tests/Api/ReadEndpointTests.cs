using System.Net;
using System.Text.Json;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Api;

/// <summary>The API's dead letters and cluster report, read through either silo of the fixture's cluster.</summary>
[Collection(ApiCollection.Name)]
public sealed class ReadEndpointTests(ApiFixture fixture)
{
    [Fact]
    public async Task DeadLetters_OfAProjectWhoseReviewsAreAllMalformed_ListedByEitherSiloFilteredAndInTheirRun()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = fixture.Emulator.ProjectIds[5];
        // The fixture's dataset archives none, so every review is listed, and each is malformed below.
        var reviews = fixture.Emulator.Options.Dataset.ReviewsPerProject;
        await SyncDriver.AddProjectAsync(fixture.Client, fixture.Emulator, id, ct);
        var before = fixture.Emulator.Faults;
        fixture.Emulator.SetFaults(before with { MalformedRate = 1.0 });
        string runId;
        try
        {
            runId = (await SyncDriver.SyncToEndAsync(fixture.Client, id, full: true, ct)).Run.RunId;
        }
        finally
        {
            fixture.Emulator.SetFaults(before);
        }

        foreach (var http in new[] { fixture.Http, fixture.OtherSilo })
        {
            using var listed = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/deadletters?project={id}&stream=reviews&limit=1000", ct));
            var letters = listed.RootElement.EnumerateArray().ToList();
            Assert.Equal(reviews, letters.Count);
            Assert.All(letters, l => Assert.Equal((id, "reviews"), (l.GetProperty("projectId").GetString(), l.GetProperty("stream").GetString())));
            Assert.All(letters, static l => Assert.False(string.IsNullOrWhiteSpace(l.GetProperty("reason").GetString())));
            Assert.All(letters, static l => Assert.Equal(JsonValueKind.Null, l.GetProperty("resolvedAt").ValueKind));
        }

        // The run's own document carries them too (its 100 most recently seen), each from one of its tasks.
        using var run = JsonDocument.Parse(await fixture.OtherSilo.GetStringAsync($"/api/v1/runs/{runId}", ct));
        var ofRun = run.RootElement.GetProperty("deadLetters").EnumerateArray().ToList();
        Assert.Equal(Math.Min(reviews, 100), ofRun.Count);
        Assert.All(ofRun, l => Assert.EndsWith($":{runId}", l.GetProperty("taskId").GetString(), StringComparison.Ordinal));
        Assert.True(run.RootElement.GetProperty("counters").GetProperty("deadLettered").GetInt64() >= reviews, run.RootElement.GetProperty("counters").ToString());

        using var limited = JsonDocument.Parse(await fixture.Http.GetStringAsync($"/api/v1/deadletters?project={id}&limit=2", ct));
        Assert.Equal(2, limited.RootElement.GetArrayLength());
        using var other = JsonDocument.Parse(await fixture.Http.GetStringAsync($"/api/v1/deadletters?project={fixture.Emulator.ProjectIds[9]}", ct));
        Assert.Equal(0, other.RootElement.GetArrayLength());
        await ApiTests.AssertProblemAsync(await fixture.Http.GetAsync("/api/v1/deadletters?limit=0", ct), HttpStatusCode.BadRequest, "limit");
        await ApiTests.AssertProblemAsync(await fixture.Http.GetAsync("/api/v1/deadletters?resolved=maybe", ct), HttpStatusCode.BadRequest, "resolved");
    }

    [Fact]
    public async Task Cluster_ShowsBothSilosActiveWithTheirLatencyAndTheRateBudget_FromEitherSilo()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = fixture.Emulator.ProjectIds[9];
        await SyncDriver.AddProjectAsync(fixture.Client, fixture.Emulator, id, ct);
        await SyncDriver.SyncToEndAsync(fixture.Client, id, full: true, ct);
        var names = fixture.Cluster.Silos.Select(static s => s.Name).Order(StringComparer.Ordinal).ToList();

        foreach (var http in new[] { fixture.Http, fixture.OtherSilo })
        {
            using var report = JsonDocument.Parse(await http.GetStringAsync("/api/v1/cluster", ct));
            var silos = report.RootElement.GetProperty("silos").EnumerateArray().ToList();
            Assert.Equal(names, silos.Select(static s => s.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
            Assert.All(silos, static s => Assert.Equal("Active", s.GetProperty("status").GetString()));
            // The sync's calls were made on one silo or both: whichever made them measured them.
            Assert.Contains(silos, static s => s.GetProperty("latency") is { ValueKind: JsonValueKind.Object } l && l.EnumerateObject().Any());
            var budgets = report.RootElement.GetProperty("rateBudgets").EnumerateArray().ToList();
            Assert.NotEmpty(budgets);
            Assert.All(budgets, static b => Assert.Equal(JsonValueKind.Null, b.GetProperty("error").ValueKind));
            Assert.DoesNotContain(fixture.Emulator.DefaultClient.ClientSecret, report.RootElement.GetRawText(), StringComparison.Ordinal);
            Assert.True(report.RootElement.GetProperty("progressWriters").GetProperty("updates").GetInt64() > 0);
            // An acc project's tasks do not stream: none has a replication lag (PostgresCdcLagTests has one that does).
            Assert.Equal(JsonValueKind.Array, report.RootElement.GetProperty("replicationLags").ValueKind);
            Assert.Empty(report.RootElement.GetProperty("replicationLags").EnumerateArray());
        }
    }
}
