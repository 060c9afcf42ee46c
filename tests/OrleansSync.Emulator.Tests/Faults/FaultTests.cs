using System.Net;
using System.Text.Json;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Faults;

public sealed class FaultTests
{
    [Fact]
    public async Task ServerErrorRate_SetOverHttp_Returns5xxJsonUntilCleared()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]);

        var set = await client.PostJsonAsync("/__faults", new { serverErrorRate = 1.0 }, ct);
        var failed = await client.GetAsync(path, token, ct);
        var cleared = await client.PostJsonAsync("/__faults", new { serverErrorRate = 0.0 }, ct);
        var ok = await client.GetAsync(path, token, ct);

        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal(1.0, set.Json.GetProperty("serverErrorRate").GetDouble());
        Assert.Contains(failed.Status, new[] { HttpStatusCode.InternalServerError, HttpStatusCode.ServiceUnavailable });
        Assert.False(string.IsNullOrEmpty(failed.Json.GetProperty("developerMessage").GetString()));
        Assert.Equal(HttpStatusCode.OK, cleared.Status);
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal(1, emulator.GetStats().InjectedServerErrors);
    }

    [Fact]
    public async Task ServerErrorRate_Half_FailsSomeCallsNotAll()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(faults: new FaultSettings { ServerErrorRate = 0.5 }), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            statuses.Add((await client.GetAsync(UpstreamClient.WorkflowsPath(emulator.ProjectIds[0]), token, ct)).Status);
        }

        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(statuses, s => (int)s >= 500);
    }

    [Fact]
    public async Task ThrottleNext_NextCallsGet429WithConfiguredRetryAfter()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]);

        await client.PostJsonAsync("/__faults", new { throttleNext = 2, throttleRetryAfterSeconds = 7 }, ct);
        var first = await client.GetAsync(path, token, ct);
        var second = await client.GetAsync(path, token, ct);
        var third = await client.GetAsync(path, token, ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, first.Status);
        Assert.Equal("7", first.Headers.GetValues("Retry-After").Single());
        Assert.Equal("Quota limit exceeded.", first.Json.GetProperty("developerMessage").GetString());
        Assert.Equal(HttpStatusCode.TooManyRequests, second.Status);
        Assert.Equal(HttpStatusCode.OK, third.Status);
    }

    [Fact]
    public async Task MalformedRate_MalformedReviewsServedAndListedInDump()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(faults: new FaultSettings { MalformedRate = 0.1 }), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var projectId = emulator.ProjectIds[0];
        var dump = new DumpReader(await emulator.DumpAsync(ct));
        var malformed = dump.Root.GetProperty("malformed").EnumerateArray()
            .Where(m => m.GetProperty("projectId").GetString() == projectId)
            .ToList();

        var served = new List<JsonElement>();
        served.AddRange(await client.GetAllAsync(UpstreamClient.ReviewsPath(projectId), token, ct));
        served.AddRange(await client.GetAllAsync(UpstreamClient.ReviewsPath(projectId) + "?filter[archived]=true", token, ct));

        Assert.InRange(malformed.Count, 3, 30);
        var kinds = malformed.Select(m => m.GetProperty("kind").GetString()).ToHashSet();
        Assert.Subset(new HashSet<string?> { "missingId", "sequenceIdAsString", "updatedAtAsNumber" }, kinds);
        var bad = served.Where(r => !r.TryGetProperty("id", out _)
            || r.GetProperty("sequenceId").ValueKind != JsonValueKind.Number
            || r.GetProperty("updatedAt").ValueKind != JsonValueKind.String).ToList();
        Assert.Equal(malformed.Count, bad.Count);
        foreach (var m in malformed.Where(m => m.GetProperty("kind").GetString() == "missingId"))
        {
            var record = await client.GetAsync($"{UpstreamClient.ReviewsPath(projectId)}/{m.GetProperty("reviewId").GetString()}", token, ct);
            Assert.False(record.Json.TryGetProperty("id", out _));
        }
    }

    [Fact]
    public async Task Faults_UnknownFieldOrInvalidValue_Returns400()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);

        var unknown = await client.PostJsonAsync("/__faults", new { serverErrorRat = 1 }, ct);
        var invalid = await client.PostJsonAsync("/__faults", new { serverErrorRate = 2 }, ct);

        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.Equal(0, emulator.Faults.ServerErrorRate);
    }
}
