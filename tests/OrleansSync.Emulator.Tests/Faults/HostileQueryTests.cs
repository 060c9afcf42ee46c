using System.Net;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Faults;

/// <summary>A hostile rule narrowed by query spoils only the list calls whose query holds its text (e.g. one day's date filter).</summary>
public sealed class HostileQueryTests
{
    [Fact]
    public async Task Html200_NarrowedToOneUpdatedAtRange_SpoilsOnlyThatRange()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]);
        const string day = "2024-03-05T00:00:00.000Z..2024-03-05T23:59:59.999Z";
        const string otherDay = "2024-03-06T00:00:00.000Z..2024-03-06T23:59:59.999Z";

        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.Html200, Query: $"filter[updatedAt]={day}"));
        using var other = await client.GetRawAsync($"{path}?filter[updatedAt]={Uri.EscapeDataString(otherDay)}", token, ct);
        using var unfiltered = await client.GetRawAsync(path, token, ct);
        using var spoiled = await client.GetRawAsync($"{path}?filter[archived]=true&filter[updatedAt]={Uri.EscapeDataString(day)}", token, ct);

        Assert.Equal("application/json", other.Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/json", unfiltered.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, spoiled.StatusCode);
        Assert.Equal("text/html", spoiled.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, emulator.GetStats().CountHostile(HostileKind.Html200));
    }

    [Fact]
    public async Task Faults_QueryOnAChildTarget_Refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);

        var error = Assert.Throws<ArgumentException>(() => emulator.AddHostile(new HostileRule(HostileTarget.Versions, HostileKind.Html200, Query: "limit=5")));

        Assert.Contains("query narrows only the reviews and workflows targets", error.Message, StringComparison.Ordinal);
        Assert.Empty(emulator.HostileRules);
    }
}
