using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansSync.Client.Cli;

/// <summary>
/// Durations as people write them: parses <c>90s</c>, <c>15m</c>, <c>6h</c>, <c>1d</c>, or <c>01:30:00</c>; formats an
/// ETA or an age the same way (<c>42s</c>, <c>3m05s</c>, <c>2h10m</c>, <c>1d04h</c>).
/// </summary>
public static partial class Durations
{
    public static TimeSpan Parse(string text, string option)
    {
        var match = Short().Match(text);
        if (match.Success)
        {
            var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            return match.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
            ? span
            : throw CliException.BadInput($"{option} '{text}' is not a duration: write e.g. 15m, 6h, 1d or 01:30:00.");
    }

    public static string Format(TimeSpan span) => span switch
    {
        { TotalSeconds: < 1 } => "<1s",
        { TotalMinutes: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.Seconds}s"),
        { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m{span.Seconds:00}s"),
        { TotalDays: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.Hours}h{span.Minutes:00}m"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays}d{span.Hours:00}h"),
    };

    [GeneratedRegex("^([0-9]+(?:\\.[0-9]+)?)([smhd])$")]
    private static partial Regex Short();
}
