using System.Net;
using System.Text;
using System.Text.Json;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Faults;

/// <summary>Hostile rules that replace the answer: an HTML page, a cut-short or stalled body, an error holding NUL.</summary>
public sealed class HostileAnswerTests
{
    [Fact]
    public async Task Html200_OnReviews_Returns200WithHtmlProxyPage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);

        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.Html200));
        using var response = await client.GetRawAsync(UpstreamClient.ReviewsPath(emulator.ProjectIds[0]), token, ct);
        var body = await response.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<!DOCTYPE html>", body, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), response.Content.Headers.ContentLength);
        Assert.Equal(1, emulator.GetStats().CountHostile(HostileKind.Html200));
    }

    [Fact]
    public async Task Html200_OnToken_Returns200WithHtmlInsteadOfToken()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);

        await client.PostJsonAsync("/__faults", new { hostile = new[] { new { target = "token", kind = "html200", times = 1 } } }, ct);
        using var spoiled = await client.RequestTokenRawAsync(ct);
        var body = await spoiled.Content.ReadAsStringAsync(ct);
        var next = await client.RequestTokenAsync(null, ct);

        Assert.Equal(HttpStatusCode.OK, spoiled.StatusCode);
        Assert.Equal("text/html", spoiled.Content.Headers.ContentType?.MediaType);
        Assert.Contains("</html>", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, next.Status);
        Assert.Equal("Bearer", next.Json.GetProperty("token_type").GetString());
    }

    [Fact]
    public async Task NulInError_OnWorkflows_Returns500AccErrorWithEscapedNul()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);

        emulator.AddHostile(new HostileRule(HostileTarget.Workflows, HostileKind.NulInError, Times: 1));
        var response = await client.GetAsync(UpstreamClient.WorkflowsPath(emulator.ProjectIds[0]), token, ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.Status);
        Assert.Contains("\\u0000", response.Body, StringComparison.Ordinal);
        Assert.Contains('\0', response.Json.GetProperty("developerMessage").GetString()!);
        Assert.Equal("ERR_INTERNAL_SERVER_ERROR", response.Json.GetProperty("errorCode").GetString());
        Assert.Equal(JsonValueKind.String, response.Json.GetProperty("moreInfo").ValueKind);
        Assert.Equal(1, emulator.GetStats().Count("GET /construction/reviews/v1/projects/{projectId}/workflows", 500));
    }

    [Fact]
    public async Task Truncated_OnReviews_AnnouncesFullLengthSendsFirstHalfThenAborts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]) + "?limit=5";
        var normal = Encoding.UTF8.GetBytes((await client.GetAsync(path, token, ct)).Body);

        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.Truncated, Times: 1));
        using var response = await client.GetRawAsync(path, token, ct);
        var (received, failure) = await RawBody.ReadUntilEndAsync(response, ct);
        var after = await client.GetAsync(path, token, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(normal.Length, response.Content.Headers.ContentLength);
        Assert.NotNull(failure);
        Assert.Equal(normal[..(normal.Length / 2)], received);
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Equal(1, emulator.GetStats().CountHostile(HostileKind.Truncated));
    }

    [Fact]
    public async Task Truncated_OnToken_CutsTheTokenAnswerShort()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);

        emulator.AddHostile(new HostileRule(HostileTarget.Token, HostileKind.Truncated, Times: 1));
        using var response = await client.RequestTokenRawAsync(ct);
        var (received, failure) = await RawBody.ReadUntilEndAsync(response, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(failure);
        Assert.Equal(response.Content.Headers.ContentLength / 2, received.Length);
        Assert.StartsWith("{\"access_token\":", Encoding.UTF8.GetString(received), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StallBody_OnVersions_SendsFirstHalfThenNothingUntilTheClientTimesOut()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = await VersionsPathAsync(client, emulator, token, ct);

        emulator.AddHostile(new HostileRule(HostileTarget.Versions, HostileKind.StallBody, Times: 1));
        using (var response = await client.GetRawAsync(path, token, ct))
        {
            var length = response.Content.Headers.ContentLength!.Value;
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var first = new byte[length / 2];
            await stream.ReadExactlyAsync(first, ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMilliseconds(300));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await stream.ReadExactlyAsync(new byte[1], timeout.Token));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("{\"results\":[", Encoding.UTF8.GetString(first), StringComparison.Ordinal);
        }

        // The server notices the client leaving and ends the call; only then is it counted by status.
        var versions = "GET /construction/reviews/v1/projects/{projectId}/reviews/{reviewId}/versions";
        await Poll.UntilAsync(() => Task.FromResult(emulator.GetStats().Count(versions, 200)), n => n == 1, TimeSpan.FromSeconds(10), ct);
        Assert.Equal(1, emulator.GetStats().CountHostile(HostileKind.StallBody));
    }

    [Fact]
    public async Task StallBody_StallSecondsElapsed_ServerAbortsTheConnection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(faults: new FaultSettings { StallSeconds = 1 }), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]) + "?limit=3";
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));

        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.StallBody));
        using var response = await client.GetRawAsync(path, token, deadline.Token);
        var (received, failure) = await RawBody.ReadUntilEndAsync(response, deadline.Token);

        Assert.NotNull(failure);
        Assert.Equal(response.Content.Headers.ContentLength / 2, received.Length);
    }

    [Fact]
    public async Task HostileRule_Times_SpoilsThatManyCallsThenAnswersNormally()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]);

        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.Html200, Times: 2));
        var types = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetRawAsync(path, token, ct);
            types.Add(response.Content.Headers.ContentType?.MediaType);
            if (i == 0)
            {
                Assert.Equal(1, Assert.Single(emulator.HostileRules).Times);
            }
        }

        Assert.Equal(["text/html", "text/html", "application/json"], types);
        Assert.Empty(emulator.HostileRules);
        Assert.Equal(2, emulator.GetStats().CountHostile(HostileKind.Html200));
    }

    [Fact]
    public async Task HostileRule_NormalAnswerNot200_IsNotUsedUp()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]);

        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.NulInError, Times: 1));
        var unauthorized = await client.GetAsync(path, null, ct);
        var missing = await client.GetAsync(UpstreamClient.ReviewsPath("no-such-project"), token, ct);
        var spoiled = await client.GetAsync(path, token, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.Status);
        Assert.DoesNotContain("\\u0000", unauthorized.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal(HttpStatusCode.InternalServerError, spoiled.Status);
        Assert.Contains("\\u0000", spoiled.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostileRule_ReviewId_NarrowsToThatReviewsCalls()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var page = await client.GetAsync(UpstreamClient.ReviewsPath(emulator.ProjectIds[0]) + "?limit=2", token, ct);
        var ids = page.Results.EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();

        emulator.AddHostile(new HostileRule(HostileTarget.Progress, HostileKind.Html200, ReviewId: ids[1]));
        var other = await client.GetAsync($"{UpstreamClient.ReviewsPath(emulator.ProjectIds[0])}/{ids[0]}/progress", token, ct);
        using var chosen = await client.GetRawAsync($"{UpstreamClient.ReviewsPath(emulator.ProjectIds[0])}/{ids[1]}/progress", token, ct);
        var versions = await client.GetAsync($"{UpstreamClient.ReviewsPath(emulator.ProjectIds[0])}/{ids[1]}/versions", token, ct);

        Assert.Equal(HttpStatusCode.OK, other.Status);
        Assert.Equal(JsonValueKind.Array, other.Results.ValueKind);
        Assert.Equal("text/html", chosen.Content.Headers.ContentType?.MediaType);
        Assert.Equal(JsonValueKind.Array, versions.Results.ValueKind);
    }

    [Fact]
    public async Task Faults_HostileListAndReset_ReplaceShowAndClearTheRules()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]);
        emulator.AddHostile(new HostileRule(HostileTarget.Token, HostileKind.Html200));

        var set = await client.PostJsonAsync(
            "/__faults",
            new { hostile = new object[] { new { target = "reviews", kind = "nulInError", times = 5 }, new { target = "versions", kind = "wrongType", reviewId = "r-1" } } },
            ct);
        var view = await client.GetAsync("/__faults", null, ct);
        var spoiled = await client.GetAsync(path, token, ct);
        var reset = await client.PostJsonAsync("/__faults", new { reset = true }, ct);
        var normal = await client.GetAsync(path, token, ct);

        Assert.Equal(HttpStatusCode.OK, set.Status);
        var rules = view.Json.GetProperty("hostile").EnumerateArray().ToList();
        Assert.Equal(2, rules.Count);
        Assert.Equal("reviews", rules[0].GetProperty("target").GetString());
        Assert.Equal("nulInError", rules[0].GetProperty("kind").GetString());
        Assert.Equal(5, rules[0].GetProperty("times").GetInt32());
        Assert.Equal(JsonValueKind.Null, rules[0].GetProperty("reviewId").ValueKind);
        Assert.Equal("r-1", rules[1].GetProperty("reviewId").GetString());
        Assert.Equal(JsonValueKind.Null, rules[1].GetProperty("times").ValueKind);
        Assert.Equal(HttpStatusCode.InternalServerError, spoiled.Status);
        Assert.Empty(reset.Json.GetProperty("hostile").EnumerateArray());
        Assert.Empty(emulator.HostileRules);
        Assert.Equal(HttpStatusCode.OK, normal.Status);
    }

    [Theory]
    [InlineData("""{"hostile":[{"target":"reviews","kind":"html500"}]}""")]
    [InlineData("""{"hostile":[{"target":"admin","kind":"html200"}]}""")]
    [InlineData("""{"hostile":[{"target":"token","kind":"nextUrlCycle"}]}""")]
    [InlineData("""{"hostile":[{"target":"reviews","kind":"html200","reviewId":"r-1"}]}""")]
    [InlineData("""{"hostile":[{"target":"reviews","kind":"html200","times":0}]}""")]
    [InlineData("""{"hostile":[{"target":"reviews","kind":"html200","when":"now"}]}""")]
    [InlineData("""{"stallSeconds":-1}""")]
    public async Task Faults_InvalidHostileRule_Returns400AndKeepsTheRules(string body)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        emulator.AddHostile(new HostileRule(HostileTarget.Workflows, HostileKind.Html200, Times: 3));
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await client.Http.PostAsync("/__faults", content, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(new HostileRule(HostileTarget.Workflows, HostileKind.Html200, Times: 3), Assert.Single(emulator.HostileRules));
    }

    [Fact]
    public async Task AddHostile_InvalidRule_ThrowsArgumentException()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);

        Assert.Throws<ArgumentException>(() => emulator.AddHostile(new HostileRule(HostileTarget.Token, HostileKind.WrongType)));
        Assert.Throws<ArgumentException>(() => emulator.AddHostile(new HostileRule(HostileTarget.Workflows, HostileKind.Html200, ReviewId: "r")));
        Assert.Throws<ArgumentException>(() => emulator.AddHostile(new HostileRule(HostileTarget.Reviews, (HostileKind)99)));
        Assert.Empty(emulator.HostileRules);
    }

    private static async Task<string> VersionsPathAsync(UpstreamClient client, AccEmulator emulator, string token, CancellationToken ct)
    {
        var page = await client.GetAsync(UpstreamClient.ReviewsPath(emulator.ProjectIds[0]) + "?limit=1", token, ct);
        return $"{UpstreamClient.ReviewsPath(emulator.ProjectIds[0])}/{page.Results[0].GetProperty("id").GetString()}/versions";
    }
}
