using System.Net;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Concurrency;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task ListReviews_ManyReadersDuringMutations_AllPagesConsistent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var mutations = Task.Run(
            async () =>
            {
                var applied = 0;
                while (!stop.IsCancellationRequested)
                {
                    applied += (await client.PostAsync("/__mutate?n=5", ct)).Json.GetProperty("applied").GetInt32();
                }

                return applied;
            },
            ct);
        var readers = Enumerable.Range(0, 8).Select(i => Task.Run(
            async () =>
            {
                var pages = 0;
                for (var walk = 0; walk < 3; walk++)
                {
                    string? url = UpstreamClient.ReviewsPath(emulator.ProjectIds[i % 2]) + "?limit=20&filter[archived]=" + (i % 3 == 0 ? "true" : "false");
                    while (url is not null)
                    {
                        var page = await client.GetAsync(url, token, ct);
                        Assert.Equal(HttpStatusCode.OK, page.Status);
                        Assert.True(page.Results.GetArrayLength() <= 20);
                        pages++;
                        url = page.NextUrl;
                    }
                }

                return pages;
            },
            ct)).ToList();

        var pageCounts = await Task.WhenAll(readers);
        await stop.CancelAsync();
        var applied = await mutations;

        Assert.All(pageCounts, count => Assert.True(count >= 3));
        Assert.True(applied > 0);
        var stats = emulator.GetStats();
        Assert.Equal(stats.Total, stats.CountStatus(200));
        Assert.Equal(applied, new DumpReader(await emulator.DumpAsync(ct)).Root.GetProperty("mutations").GetInt32());
    }

    [Fact]
    public async Task Dump_OneProject_HoldsOnlyThatProject()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);

        var response = await client.GetAsync($"/__dump?projectId=b.{emulator.ProjectIds[1]}", null, ct, userId: false);
        var unknown = await client.GetAsync("/__dump?projectId=nope", null, ct, userId: false);

        var projects = response.Json.GetProperty("projects").EnumerateArray().ToList();
        Assert.Equal(emulator.ProjectIds[1], Assert.Single(projects).GetProperty("id").GetString());
        Assert.Equal(await emulator.DumpAsync(emulator.ProjectIds[1], ct), response.Body);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
    }
}
