using System.Net;
using OrleansSync.Emulator.Cli;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Faults;

/// <summary>Injected 429s say when to come back as ACC does (seconds), as an HTTP-date on upstream's clock, or not at all.</summary>
public sealed class RetryAfterFormTests
{
    [Fact]
    public async Task ThrottleNext_HttpDateForm_RetryAfterIsTheAnswersDatePlusTheSeconds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);

        await client.PostJsonAsync("/__faults", new { throttleNext = 1, throttleRetryAfterSeconds = 7, throttleRetryAfterForm = "httpDate" }, ct);
        var throttled = await client.GetAsync(UpstreamClient.ReviewsPath(emulator.ProjectIds[0]), token, ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.Status);
        Assert.Equal("Quota limit exceeded.", throttled.Json.GetProperty("developerMessage").GetString());
        var date = Assert.NotNull(throttled.Headers.Date);
        Assert.Equal(date.AddSeconds(7), throttled.Headers.RetryAfter?.Date);
        Assert.Null(throttled.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task ThrottleNext_HttpDateFormBeyondTheCalendar_RetryAfterIsTheLastDate()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            TestOptions.Small(faults: new FaultSettings { ThrottleRetryAfterSeconds = int.MaxValue, ThrottleRetryAfterForm = RetryAfterForm.HttpDate }),
            ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);

        emulator.ThrottleNext(1);
        var throttled = await client.GetAsync(UpstreamClient.ReviewsPath(emulator.ProjectIds[0]), token, ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.Status);
        var date = Assert.NotNull(throttled.Headers.Date);
        Assert.Equal(date.AddSeconds(int.MaxValue), throttled.Headers.RetryAfter?.Date);
    }

    [Fact]
    public async Task ThrottleNext_MissingForm_429WithoutRetryAfter()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(faults: new FaultSettings { ThrottleRetryAfterForm = RetryAfterForm.Missing }), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);

        emulator.ThrottleNext(1);
        var throttled = await client.GetAsync(UpstreamClient.ReviewsPath(emulator.ProjectIds[0]), token, ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.Status);
        Assert.False(throttled.Headers.Contains("Retry-After"));
        Assert.Equal("Quota limit exceeded.", throttled.Json.GetProperty("developerMessage").GetString());
    }

    [Fact]
    public async Task Faults_UnknownRetryAfterForm_Refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);

        var refused = await client.PostJsonAsync("/__faults", new { throttleRetryAfterForm = "later" }, ct);

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(RetryAfterForm.Seconds, emulator.Faults.ThrottleRetryAfterForm);
    }

    [Theory]
    [InlineData("seconds", RetryAfterForm.Seconds)]
    [InlineData("http-date", RetryAfterForm.HttpDate)]
    [InlineData("missing", RetryAfterForm.Missing)]
    public void Parse_ThrottleRetryAfterForm_SetsTheForm(string flag, RetryAfterForm form)
    {
        var result = CommandLine.Parse(["--throttle-retry-after-form", flag]);

        Assert.Null(result.Error);
        Assert.Equal(form, result.Options.Faults.ThrottleRetryAfterForm);
    }
}
