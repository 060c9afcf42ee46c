using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Api;

/// <summary>
/// The status page in a real browser (Debian's headless Chromium) at a phone's width, logged in as a person would be:
/// Basic at the browser's prompt for reading, the Bearer credential typed into the page for changes.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class StatusPageTests(ApiFixture fixture)
{
    private const int PhoneWidth = 360;

    [Fact]
    public async Task SyncStartedFromThePage_ShowsProgressThenSucceeds_AtPhoneWidthWithNothingFromElsewhere()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = fixture.Emulator.ProjectIds[10];
        await SyncDriver.AddProjectAsync(fixture.Client, fixture.Emulator, id, ct);
        var silo = fixture.Cluster.Silos[0];
        var origin = $"http://127.0.0.1:{silo.HttpPort}";
        await using var browser = await HeadlessBrowser.StartAsync(PhoneWidth, 800, ("orleanssync", fixture.Credential), ct);
        await browser.NavigateAsync(origin + "/", ct);
        var syncButton = $"document.querySelector('tr[data-project-id=\"{id}\"] button.sync')";
        await Eventually.UntilAsync(
            async () => (await browser.EvaluateAsync($"!!{syncButton} && document.getElementById('feed').dataset.state === 'live'", ct))!.GetValue<bool>(),
            TimeSpan.FromSeconds(30), $"the page to list project {id} and its feed to be live", ct);

        // Each upstream answer is slowed, so the run lasts long enough for its progress to be seen.
        var before = fixture.Emulator.Faults;
        fixture.Emulator.SetFaults(before with { LatencyMs = 250 });
        try
        {
            await browser.EvaluateAsync(
                $"document.getElementById('token').value = {JsonSerializer.Serialize(fixture.Credential)}; document.getElementById('token-form').requestSubmit(); true", ct);
            await browser.EvaluateAsync($"{syncButton}.click(); true", ct);
            var started = await Eventually.ValueAsync(
                async () => StartedRun().Match((await browser.EvaluateAsync("document.getElementById('message').textContent", ct))?.GetValue<string>() ?? "") is { Success: true } m
                    ? m.Groups["run"].Value
                    : null,
                TimeSpan.FromSeconds(30), "the page to say which run it started", ct);

            var running = $"[...document.querySelectorAll('#tasks tr[data-project-id=\"{id}\"][data-status=\"running\"] .bar')].length";
            await Eventually.UntilAsync(
                async () => (await browser.EvaluateAsync(running, ct))!.GetValue<int>() > 0, TimeSpan.FromSeconds(30), $"a running task of {id} with a progress bar", ct);
            var screenshot = Path.Combine(Path.GetTempPath(), $"orleanssync-status-page-{id}.png");
            await File.WriteAllBytesAsync(screenshot, await browser.ScreenshotAsync(ct), ct);
            TestContext.Current.SendDiagnosticMessage($"status page mid-sync: {screenshot}");

            var runRow = $"document.querySelector('#runs tr[data-run-id=\"{started}\"]')?.dataset.status ?? ''";
            await Eventually.UntilAsync(
                async () => (await browser.EvaluateAsync(runRow, ct))!.GetValue<string>() is "succeeded" or "failed" or "cancelled",
                TimeSpan.FromSeconds(60), $"run {started} to end on the page", ct);
            Assert.Equal("succeeded", (await browser.EvaluateAsync(runRow, ct))!.GetValue<string>());
        }
        finally
        {
            fixture.Emulator.SetFaults(before);
        }

        using var run = JsonDocument.Parse(await fixture.Http.GetStringAsync($"/api/v1/projects/{id}/runs?limit=5", ct));
        Assert.Contains(run.RootElement.EnumerateArray(), r => r.GetProperty("status").GetString() == "succeeded");
        // The page fits a phone: only its tables scroll sideways, inside their own boxes.
        var widest = await browser.EvaluateAsync(
            "[...document.querySelectorAll('body *')].filter(e => !e.closest('.scroll')).map(e => [e.getBoundingClientRect().right, e.tagName + (e.id ? '#' + e.id : '')])" +
            ".sort((a, b) => b[0] - a[0])[0].join(' ')", ct);
        var width = (await browser.EvaluateAsync("document.documentElement.scrollWidth", ct))!.GetValue<int>();
        Assert.True(width <= PhoneWidth, $"The page is {width} px wide at a {PhoneWidth} px window; its widest element outside a table box: {widest}; the viewport: {await browser.EvaluateAsync("window.innerWidth", ct)}");
        // Nothing was fetched from anywhere but this silo.
        Assert.All(browser.Requested, url => Assert.StartsWith(origin + "/", url, StringComparison.Ordinal));
        Assert.Contains(origin + "/status.js", browser.Requested);
    }

    [GeneratedRegex(@"^Started run (?<run>\S+) of ")]
    private static partial Regex StartedRun();
}
