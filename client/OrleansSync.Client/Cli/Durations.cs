using System.Globalization;

namespace OrleansSync.Client.Cli;

/// <summary>
/// Durations as people write them: parses <c>90s</c>, <c>15m</c>, <c>6h</c>, <c>1d</c>, or <c>01:30:00</c>; formats an
/// ETA or an age the same way (<c>42s</c>, <c>3m05s</c>, <c>2h10m</c>, <c>1d04h</c>).
/// </summary>
public static class Durations
{
    public static TimeSpan Parse(string text, string option) => DurationText.TryParse(text, out var span)
        ? span
        : throw CliException.BadInput($"{option} '{text}' is not a duration: {DurationText.Examples}.");

    public static string Format(TimeSpan span) => span switch
    {
        { TotalSeconds: < 1 } => "<1s",
        { TotalMinutes: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.Seconds}s"),
        { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m{span.Seconds:00}s"),
        { TotalDays: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.Hours}h{span.Minutes:00}m"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays}d{span.Hours:00}h"),
    };
}
