using OrleansSync.Client.Cli;

namespace OrleansSync.Tests.Cli;

public sealed class DurationsTests
{
    [Theory]
    [InlineData(0.4, "<1s")]
    [InlineData(42, "42s")]
    [InlineData(185, "3m05s")]
    [InlineData(7800, "2h10m")]
    [InlineData(100_800, "1d04h")]
    public void Format_PicksTheTwoLargestUnits(double seconds, string expected) =>
        Assert.Equal(expected, Durations.Format(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("01:30:00", 5400)]
    public void Parse_ReadsShortAndClockForms(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.Parse(text, "--every"));
}
