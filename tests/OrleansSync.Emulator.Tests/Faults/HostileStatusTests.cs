using System.Net;
using System.Text.Json;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Faults;

/// <summary>Hostile rules that make one review's child endpoint answer an error status while the rest answers.</summary>
public sealed class HostileStatusTests
{
    [Theory]
    [InlineData(HostileKind.BadRequest400, HttpStatusCode.BadRequest)]
    [InlineData(HostileKind.Forbidden403, HttpStatusCode.Forbidden)]
    [InlineData(HostileKind.NotFound404, HttpStatusCode.NotFound)]
    [InlineData(HostileKind.ServerError500, HttpStatusCode.InternalServerError)]
    public async Task StatusKind_OnOneReviewsVersions_ThatCallAnswersTheStatusWithAnAccErrorAndOthersAnswer200(HostileKind kind, HttpStatusCode status)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]);
        var page = await client.GetAsync(path + "?limit=2", token, ct);
        var ids = page.Results.EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
        emulator.AddHostile(new HostileRule(HostileTarget.Versions, kind, ReviewId: ids[1]));

        using var chosen = await client.GetRawAsync($"{path}/{ids[1]}/versions", token, ct);
        using var again = await client.GetRawAsync($"{path}/{ids[1]}/versions", token, ct);
        var other = await client.GetAsync($"{path}/{ids[0]}/versions", token, ct);

        Assert.Equal(status, chosen.StatusCode);
        Assert.Equal(status, again.StatusCode);
        using var body = JsonDocument.Parse(await chosen.Content.ReadAsStringAsync(ct));
        Assert.Equal(JsonValueKind.String, body.RootElement.GetProperty("developerMessage").ValueKind);
        Assert.Equal(HttpStatusCode.OK, other.Status);
        Assert.Equal(2, emulator.GetStats().CountHostile(kind));
    }
}
