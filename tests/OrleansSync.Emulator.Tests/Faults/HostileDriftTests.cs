using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Faults;

/// <summary>A list that changes between two page reads, as a live upstream's lists do.</summary>
public sealed class HostileDriftTests
{
    [Fact]
    public async Task DriftAfterPage_OnReviews_ArchivesThePagesFirstReviewSoTheNextPageSkipsOne()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]) + "?limit=10";
        var before = Ids(await client.GetAllAsync(path, token, ct));

        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.DriftAfterPage, Times: 1));
        var first = await client.GetAsync(path, token, ct);
        var second = await client.GetAsync(first.NextUrl!, token, ct);

        var total = first.Pagination.GetProperty("totalResults").GetInt32();
        Assert.Equal(before.Count, total);
        Assert.Equal(total - 1, second.Pagination.GetProperty("totalResults").GetInt32());
        Assert.Equal(before[..10], Ids(first.Results.EnumerateArray()));
        // The review at offset 10 moved to offset 9, already read: offset paging never serves it.
        Assert.Equal(before[11..21], Ids(second.Results.EnumerateArray()));
        var archived = await client.GetAllAsync(UpstreamClient.ReviewsPath(emulator.ProjectIds[0]) + "?filter[archived]=true", token, ct);
        Assert.Contains(archived, r => r.GetProperty("id").GetString() == before[0]);
        Assert.Equal(1, emulator.GetStats().CountHostile(HostileKind.DriftAfterPage));
    }

    [Fact]
    public async Task ShiftAfterPage_OnReviews_ArchivesThePagesFirstReviewAndCreatesOneSoTheTotalStaysAndTheNextPageSkipsOne()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]) + "?limit=10";
        var before = Ids(await client.GetAllAsync(path, token, ct));

        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.ShiftAfterPage, Times: 1));
        var first = await client.GetAsync(path, token, ct);
        var second = await client.GetAsync(first.NextUrl!, token, ct);

        Assert.Equal(before.Count, first.Pagination.GetProperty("totalResults").GetInt32());
        Assert.Equal(before.Count, second.Pagination.GetProperty("totalResults").GetInt32());
        // The review at offset 10 moved to offset 9, already read; the created one joined at the end.
        Assert.Equal(before[11..21], Ids(second.Results.EnumerateArray()));
        var after = Ids(await client.GetAllAsync(path, token, ct));
        Assert.Equal(before[1..], after[..^1]);
        Assert.DoesNotContain(after[^1], before);
        Assert.Equal(1, emulator.GetStats().CountHostile(HostileKind.ShiftAfterPage));
    }

    [Fact]
    public async Task DriftAfterPage_OnAnotherTarget_IsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);

        var error = Assert.Throws<ArgumentException>(() => emulator.AddHostile(new HostileRule(HostileTarget.Versions, HostileKind.DriftAfterPage)));

        Assert.Contains("driftAfterPage takes only the reviews target", error.Message, StringComparison.Ordinal);
        Assert.Empty(emulator.HostileRules);
    }

    /// <summary>The reviews' ids, in the order the list served them.</summary>
    private static List<string> Ids(IEnumerable<System.Text.Json.JsonElement> reviews) => [.. reviews.Select(static r => r.GetProperty("id").GetString()!)];
}
