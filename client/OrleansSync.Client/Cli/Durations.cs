using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansSync.Client.Cli;

/// <summary>Parses schedule durations as people write them: <c>90s</c>, <c>15m</c>, <c>6h</c>, <c>1d</c>, or <c>01:30:00</c>.</summary>
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

    [GeneratedRegex("^([0-9]+(?:\\.[0-9]+)?)([smhd])$")]
    private static partial Regex Short();
}
