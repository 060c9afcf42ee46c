using System.Net;
using System.Text.Json;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Faults;

/// <summary>Hostile rules that spoil a normal 200 page: its links, its totalResults or one of its records.</summary>
public sealed class HostilePageTests
{
    [Fact]
    public async Task NextUrlCycle_OnReviews_PointsEveryPageLastIncludedBackAtOffsetZero()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]);
        var total = (await client.GetAsync(path, token, ct)).Pagination.GetProperty("totalResults").GetInt32();

        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.NextUrlCycle));
        var first = await client.GetAsync(path + "?filter[status]=OPEN&limit=10", token, ct);
        var followed = await client.GetAsync(first.NextUrl!, token, ct);
        var last = await client.GetAsync($"{path}?offset={total - 1}", token, ct);

        var expected = $"{emulator.BaseUrl}construction/reviews/v1/projects/{emulator.ProjectIds[0]}/reviews";
        Assert.Equal($"{expected}?filter[status]=OPEN&limit=10&offset=0", first.NextUrl);
        Assert.Equal(first.NextUrl, followed.NextUrl);
        Assert.Equal(first.Results.GetRawText(), followed.Results.GetRawText());
        Assert.Single(last.Results.EnumerateArray());
        Assert.Equal($"{expected}?limit=50&offset=0", last.NextUrl);
        Assert.Equal(3, emulator.GetStats().CountHostile(HostileKind.NextUrlCycle));
    }

    [Fact]
    public async Task NextUrlForeign_OnWorkflows_RightNextPageOnAnotherHost()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.WorkflowsPath(emulator.ProjectIds[0]) + "?limit=1";

        emulator.AddHostile(new HostileRule(HostileTarget.Workflows, HostileKind.NextUrlForeign, Times: 1));
        var spoiled = await client.GetAsync(path, token, ct);
        var normal = await client.GetAsync(path, token, ct);

        var suffix = $"/construction/reviews/v1/projects/{emulator.ProjectIds[0]}/workflows?limit=1&offset=1";
        Assert.Equal($"http://127.0.0.2:{emulator.BaseUrl.Port}{suffix}", spoiled.NextUrl);
        Assert.Equal($"{emulator.BaseUrl.GetLeftPart(UriPartial.Authority)}{suffix}", normal.NextUrl);
        Assert.Equal(normal.Results.GetRawText(), spoiled.Results.GetRawText());
    }

    [Fact]
    public async Task NextUrlForeign_LastPage_HasNoNextUrlAndLeavesTheRuleUnused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);

        emulator.AddHostile(new HostileRule(HostileTarget.Workflows, HostileKind.NextUrlForeign, Times: 1));
        var only = await client.GetAsync(UpstreamClient.WorkflowsPath(emulator.ProjectIds[0]), token, ct);

        Assert.Null(only.NextUrl);
        Assert.Equal(1, Assert.Single(emulator.HostileRules).Times);
        Assert.Equal(0, emulator.GetStats().CountHostile(HostileKind.NextUrlForeign));
    }

    [Fact]
    public async Task TotalResultsLie_OnReviews_TotalIsOneWhileNextUrlKeepsComing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]) + "?limit=10";

        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.TotalResultsLie));
        var first = await client.GetAsync(path, token, ct);
        var second = await client.GetAsync(first.NextUrl!, token, ct);

        Assert.All([first, second], page =>
        {
            Assert.Equal(1, page.Pagination.GetProperty("totalResults").GetInt32());
            Assert.Equal(10, page.Results.GetArrayLength());
            Assert.Contains("offset=", page.NextUrl, StringComparison.Ordinal);
        });
        Assert.EndsWith("offset=10", first.NextUrl, StringComparison.Ordinal);
        Assert.EndsWith("offset=20", second.NextUrl, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HostileTarget.Reviews, "name", "id")]
    [InlineData(HostileTarget.Workflows, "name", "id")]
    [InlineData(HostileTarget.Versions, "name", "urn")]
    [InlineData(HostileTarget.Progress, "stepName", "stepId")]
    public async Task NulInRecord_OnList_FirstRecordFieldHoldsEscapedNulIdentityIntact(HostileTarget target, string field, string identity)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = await PathOfAsync(client, emulator, target, token, ct);
        var normal = await client.GetAsync(path, token, ct);

        emulator.AddHostile(new HostileRule(target, HostileKind.NulInRecord, Times: 1));
        var spoiled = await client.GetAsync(path, token, ct);

        Assert.Equal(HttpStatusCode.OK, spoiled.Status);
        Assert.Contains("\\u0000", spoiled.Body, StringComparison.Ordinal);
        var record = spoiled.Results[0];
        var original = normal.Results[0].GetProperty(field).GetString()!;
        Assert.Equal(original, record.GetProperty(field).GetString()!.Replace("\0", string.Empty, StringComparison.Ordinal));
        Assert.Contains('\0', record.GetProperty(field).GetString()!);
        Assert.Equal(normal.Results[0].GetProperty(identity).GetString(), record.GetProperty(identity).GetString());
        Assert.Equal(normal.Results[1].GetRawText(), spoiled.Results[1].GetRawText());
        Assert.Equal(1, emulator.GetStats().CountHostile(HostileKind.NulInRecord));
    }

    [Theory]
    [InlineData(HostileTarget.Reviews, "status", JsonValueKind.Number, "id")]
    [InlineData(HostileTarget.Workflows, "name", JsonValueKind.Object, "id")]
    [InlineData(HostileTarget.Versions, "name", JsonValueKind.Number, "urn")]
    [InlineData(HostileTarget.Progress, "stepName", JsonValueKind.Array, "stepId")]
    public async Task WrongType_OnList_FirstRecordFieldHasWrongJsonTypeIdentityIntact(
        HostileTarget target,
        string field,
        JsonValueKind kind,
        string identity)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = await PathOfAsync(client, emulator, target, token, ct);
        var normal = await client.GetAsync(path, token, ct);

        emulator.AddHostile(new HostileRule(target, HostileKind.WrongType, Times: 1));
        var spoiled = await client.GetAsync(path, token, ct);
        var after = await client.GetAsync(path, token, ct);

        Assert.Equal(HttpStatusCode.OK, spoiled.Status);
        Assert.Equal(JsonValueKind.String, normal.Results[0].GetProperty(field).ValueKind);
        Assert.Equal(kind, spoiled.Results[0].GetProperty(field).ValueKind);
        Assert.Equal(normal.Results[0].GetProperty(identity).GetString(), spoiled.Results[0].GetProperty(identity).GetString());
        Assert.Equal(normal.Body, after.Body);
        Assert.Equal(1, emulator.GetStats().CountHostile(HostileKind.WrongType));
    }

    [Fact]
    public async Task NumberOutOfRange_OnWorkflows_FirstStepDurationIsANumberNoDecimalHolds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = await PathOfAsync(client, emulator, HostileTarget.Workflows, token, ct);
        var normal = await client.GetAsync(path, token, ct);

        emulator.AddHostile(new HostileRule(HostileTarget.Workflows, HostileKind.NumberOutOfRange, Times: 1));
        var spoiled = await client.GetAsync(path, token, ct);

        Assert.Equal(HttpStatusCode.OK, spoiled.Status);
        var duration = spoiled.Results[0].GetProperty("steps")[0].GetProperty("duration");
        Assert.Equal((JsonValueKind.Number, "1e200000"), (duration.ValueKind, duration.GetRawText()));
        Assert.False(duration.TryGetDecimal(out _));
        Assert.Equal(normal.Results[0].GetProperty("id").GetString(), spoiled.Results[0].GetProperty("id").GetString());
        Assert.Equal(normal.Results[1].GetRawText(), spoiled.Results[1].GetRawText());
        Assert.Equal(1, emulator.GetStats().CountHostile(HostileKind.NumberOutOfRange));
        Assert.Throws<ArgumentException>(() => emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.NumberOutOfRange)));
    }

    private static async Task<string> PathOfAsync(UpstreamClient client, AccEmulator emulator, HostileTarget target, string token, CancellationToken ct)
    {
        var projectId = emulator.ProjectIds[0];
        if (target is HostileTarget.Reviews)
        {
            return UpstreamClient.ReviewsPath(projectId) + "?limit=5";
        }

        if (target is HostileTarget.Workflows)
        {
            return UpstreamClient.WorkflowsPath(projectId);
        }

        var page = await client.GetAsync(UpstreamClient.ReviewsPath(projectId) + "?limit=1", token, ct);
        var reviewId = page.Results[0].GetProperty("id").GetString();
        return $"{UpstreamClient.ReviewsPath(projectId)}/{reviewId}/{(target is HostileTarget.Versions ? "versions" : "progress")}";
    }
}
