using System.Text.Json;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Scheduling;

/// <summary><c>orleanssync project schedule &lt;id&gt; --every D | --off</c> against two real silos (minimum period: one minute).</summary>
[Collection(TwoSiloProcessCollection.Name)]
public sealed class ScheduleCliTests(TwoSiloProcessFixture fixture)
{
    private const string Project = "p-schedule-cli";

    private Dictionary<string, string> Environment => fixture.Cluster.CliEnvironment();

    [Fact]
    public async Task ProjectSchedule_EveryThenSameAgainThenOff_SchedulesRunsAtOnceKeepsThePhaseAndUnschedules()
    {
        var ct = TestContext.Current.CancellationToken;
        var add = await RunAsync(ct, "project", "add", Project, "--base-url", "http://127.0.0.1:9", "--client-id", "c", "--client-secret-env", TwoSiloProcessFixture.SecretVariable);
        Assert.True(add.ExitCode == 0, add.StdErr);
        // Paused, the run at once is skipped and recorded, so the test needs no upstream.
        Assert.Equal(0, (await RunAsync(ct, "project", "pause", Project)).ExitCode);

        var before = DateTimeOffset.UtcNow;
        var every = await RunAsync(ct, "project", "schedule", Project, "--every", "2h", "--json");
        Assert.True(every.ExitCode == 0, every.StdErr);
        DateTimeOffset next;
        using (var view = JsonDocument.Parse(every.StdOut))
        {
            var root = view.RootElement;
            Assert.Equal("02:00:00", root.GetProperty("spec").GetProperty("every").GetString());
            var schedule = root.GetProperty("schedule");
            Assert.Equal("02:00:00", schedule.GetProperty("every").GetString());
            var jitter = TimeSpan.Parse(schedule.GetProperty("jitter").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(jitter, TimeSpan.Zero, TimeSpan.FromMinutes(12));
            next = schedule.GetProperty("nextTickAt").GetDateTimeOffset();
            Assert.InRange(next, before + TimeSpan.FromHours(2) + jitter, DateTimeOffset.UtcNow + TimeSpan.FromHours(2) + jitter);
            Assert.Equal("schedule", root.GetProperty("lastSkip").GetProperty("trigger").GetString());
            Assert.Equal("the project is paused", root.GetProperty("lastSkip").GetProperty("reason").GetString());
        }

        Assert.Equal(1, await RemindersAsync(ct));

        // The same period again changes nothing: the reminder, and so the phase, stay.
        var again = await RunAsync(ct, "project", "schedule", Project, "--every", "02:00:00", "--json");
        Assert.True(again.ExitCode == 0, again.StdErr);
        using (var view = JsonDocument.Parse(again.StdOut))
        {
            Assert.Equal(next, view.RootElement.GetProperty("schedule").GetProperty("nextTickAt").GetDateTimeOffset());
        }

        var text = await RunAsync(ct, "project", "show", Project);
        Assert.True(text.ExitCode == 0, text.StdErr);
        Assert.Contains("Next tick", text.StdOut, StringComparison.Ordinal);

        var off = await RunAsync(ct, "project", "schedule", Project, "--off", "--json");
        Assert.True(off.ExitCode == 0, off.StdErr);
        using (var view = JsonDocument.Parse(off.StdOut))
        {
            Assert.Equal(JsonValueKind.Null, view.RootElement.GetProperty("spec").GetProperty("every").ValueKind);
            Assert.Equal(JsonValueKind.Null, view.RootElement.GetProperty("schedule").ValueKind);
        }

        Assert.Equal(0, await RemindersAsync(ct));
    }

    [Theory]
    [InlineData("Neither --every nor --off", "project", "schedule", "p-any")]
    [InlineData("contradict", "project", "schedule", "p-any", "--every", "1h", "--off")]
    [InlineData("not a duration", "project", "schedule", "p-any", "--every", "soon")]
    [InlineData("shorter than the shortest schedule", "project", "schedule", "p-schedule-short", "--every", "30s")]
    [InlineData("is not configured", "project", "schedule", "no-such-project", "--every", "1h")]
    public async Task ProjectSchedule_BadInput_ExitsTwoWithAMessage(string message, params string[] args)
    {
        var ct = TestContext.Current.CancellationToken;
        var add = await RunAsync(ct, "project", "add", "p-schedule-short", "--base-url", "http://127.0.0.1:9", "--client-id", "c", "--client-secret-env", TwoSiloProcessFixture.SecretVariable);
        Assert.True(add.ExitCode == 0, add.StdErr);

        var result = await RunAsync(ct, [.. args, "--json"]);

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.StdErr}");
        Assert.Equal("", result.StdOut);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
    }

    private Task<Infrastructure.Cli.Result> RunAsync(CancellationToken ct, params string[] args) => Infrastructure.Cli.RunAsync(Environment, ct, args);

    private async Task<long> RemindersAsync(CancellationToken ct) =>
        await fixture.Cluster.Database.ScalarAsync<long>(
            "SELECT count(*) FROM orleansreminderstable WHERE remindername = 'schedule' AND grainid LIKE '%' || @p || '%'", ct, ("p", Project));
}
